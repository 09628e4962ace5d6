"""The pages: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.pages import router
from lectern.registry import Domain

domain = Domain("pages", pages=[router.router])
