"""Earnings: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.commerce.events import OrderPaid
from lectern.earnings import router
from lectern.earnings.service import record_sale
from lectern.earnings.tasks import clear_pending
from lectern.registry import Domain

domain = Domain(
    "earnings",
    routers=[router.studio_router, router.admin_router],
    periodic_jobs=[clear_pending],
    subscribers=[(OrderPaid, record_sale)],
)
