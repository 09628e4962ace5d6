"""Users: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.registry import Domain
from lectern.users import router

domain = Domain("users", routers=[router.router])
