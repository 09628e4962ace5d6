"""Instructors: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.instructors import router
from lectern.registry import Domain

domain = Domain("instructors", routers=[router.router])
