"""Invoices: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.commerce.events import OrderPaid, OrderRefunded
from lectern.invoices import router, tasks
from lectern.invoices.service import credit_refund, invoice_paid_order
from lectern.registry import Domain

domain = Domain(
    "invoices",
    routers=[router.router],
    tasks=[tasks.render_invoice, tasks.render_credit_note],
    subscribers=[(OrderPaid, invoice_paid_order), (OrderRefunded, credit_refund)],
)
