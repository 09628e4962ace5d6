"""Learning: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.curriculum.events import CurriculumChanged
from lectern.learning.content import router as content
from lectern.learning.enrollments import router as enrollments
from lectern.learning.enrollments.tasks import expire_enrollments
from lectern.learning.progress import router as progress
from lectern.learning.progress.subscribers import recount_after_curriculum_change
from lectern.registry import Domain

domain = Domain(
    "learning",
    routers=[enrollments.learner, enrollments.studio, content.router, progress.router],
    periodic_jobs=[expire_enrollments],
    subscribers=[(CurriculumChanged, recount_after_curriculum_change)],
)
