"""Courses (the studio): how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.courses import router
from lectern.registry import Domain

domain = Domain("courses", routers=[router.router])
