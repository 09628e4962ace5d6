"""Platform settings and the activity log: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.platform import router
from lectern.registry import Domain

domain = Domain("platform", routers=[router.router])
