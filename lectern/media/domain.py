"""The media library: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.media import router
from lectern.registry import Domain

domain = Domain("media", routers=[router.router])
