"""Announcements: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.announcements import router, tasks
from lectern.registry import Domain

domain = Domain(
    "announcements",
    routers=[router.router, router.studio_router, router.admin_router],
    tasks=[tasks.deliver],
    periodic_jobs=[tasks.deliver_due],
)
