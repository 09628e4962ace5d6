"""Categories and tags: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.registry import Domain
from lectern.taxonomy import router

domain = Domain("taxonomy", routers=[router.router])
