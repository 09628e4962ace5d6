"""The gradebook: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.gradebook import router
from lectern.registry import Domain

domain = Domain("gradebook", routers=[router.router, router.me])
