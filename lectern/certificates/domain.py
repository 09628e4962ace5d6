"""Certificates: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.certificates import router, tasks
from lectern.certificates.service import issue_on_completion
from lectern.learning.events import CourseCompleted
from lectern.registry import Domain

domain = Domain(
    "certificates",
    routers=[router.router],
    tasks=[tasks.render_certificate],
    subscribers=[(CourseCompleted, issue_on_completion)],
)
