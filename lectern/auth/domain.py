"""Authentication: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.auth import router, tasks
from lectern.registry import Domain

domain = Domain("auth", routers=[router.router], tasks=[tasks.send_reset_link])
