"""Live classes: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.commerce.events import OrderPaid, OrderRefunded
from lectern.live import router, sales, tasks
from lectern.registry import Domain

domain = Domain(
    "live",
    routers=[router.studio_router, router.router],
    periodic_jobs=[tasks.send_reminders, tasks.close_finished],
    subscribers=[(OrderPaid, sales.seat_buyers), (OrderRefunded, sales.unseat_refunded)],
)
