"""Commerce: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.commerce.cart import router as cart
from lectern.commerce.coupons import router as coupons
from lectern.commerce.orders import router as orders
from lectern.commerce.tasks import forget_idempotency_keys
from lectern.registry import Domain

domain = Domain(
    "commerce",
    routers=[
        cart.router,
        coupons.router,
        coupons.studio_router,
        orders.router,
        orders.admin_router,
    ],
    periodic_jobs=[forget_idempotency_keys],
)
