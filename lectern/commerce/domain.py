"""Commerce: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.commerce.cart import router as cart
from lectern.commerce.coupons import router as coupons
from lectern.commerce.orders import router as orders
from lectern.commerce.payments import pages as payment_pages
from lectern.commerce.payments import router as payments
from lectern.commerce.refunds import router as refunds
from lectern.commerce.tasks import (
    expire_pending_orders,
    forget_idempotency_keys,
    reconcile_payments,
)
from lectern.registry import Domain

domain = Domain(
    "commerce",
    routers=[
        cart.router,
        coupons.router,
        coupons.studio_router,
        orders.router,
        orders.admin_router,
        payments.router,
        payments.admin_router,
        refunds.router,
        refunds.admin_router,
    ],
    pages=[payment_pages.router],
    periodic_jobs=[forget_idempotency_keys, expire_pending_orders, reconcile_payments],
)
