"""The public catalog: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.catalog import router
from lectern.registry import Domain

domain = Domain("catalog", routers=[router.router])
