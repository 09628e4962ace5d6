"""Messaging: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.messaging import router
from lectern.registry import Domain

domain = Domain("messaging", routers=[router.router, router.me_router, router.admin_router])
