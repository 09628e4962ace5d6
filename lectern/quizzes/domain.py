"""Quizzes: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.quizzes.attempts import router as attempts
from lectern.quizzes.attempts.tasks import close_overdue_attempts
from lectern.quizzes.grading import router as grading
from lectern.quizzes.studio import router as studio
from lectern.registry import Domain

domain = Domain(
    "quizzes",
    routers=[attempts.router, grading.router, studio.router],
    periodic_jobs=[close_overdue_attempts],
)
