"""Assignments: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.assignments.grading import router as grading
from lectern.assignments.studio import router as studio
from lectern.assignments.submissions import router as submissions
from lectern.registry import Domain

domain = Domain("assignments", routers=[studio.router, grading.router, submissions.router])
