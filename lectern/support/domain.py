"""Support: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.registry import Domain
from lectern.support import router, tasks

domain = Domain(
    "support",
    routers=[router.router, router.admin_router],
    periodic_jobs=[tasks.close_resolved_tickets],
)
