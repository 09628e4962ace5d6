"""The curriculum: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.curriculum import router, tasks
from lectern.registry import Domain

domain = Domain("curriculum", routers=[router.router], tasks=[tasks.delete_stored_file])
