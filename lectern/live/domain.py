"""Live classes: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.live import router, tasks
from lectern.registry import Domain

domain = Domain(
    "live",
    routers=[router.studio_router, router.router],
    periodic_jobs=[tasks.send_reminders, tasks.close_finished],
)
