"""Assignments: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.assignments import router
from lectern.registry import Domain

domain = Domain("assignments", routers=[router.studio_router, router.learn_router])
