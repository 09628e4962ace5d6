"""Bodies of the checkout and order routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import Field

from lectern.config import GatewayName
from lectern.kit.schemas import Input, Output
from lectern.models import OrderPaymentStatus, OrderStatus


class CheckoutIn(Input):
    """The order is the cart as it stands (its courses, its coupon); this says how to pay."""

    gateway: GatewayName | None = Field(
        None, description="How to pay: one of the site's gateways (the first one if left out)."
    )


class OrderItemOut(Output):
    course_uuid: uuid.UUID
    course_title: str
    price: Decimal
    discount: Decimal
    final_price: Decimal


class OrderOut(Output):
    uuid: uuid.UUID
    order_number: str
    status: OrderStatus
    payment_status: OrderPaymentStatus
    currency: str
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    coupon_code: str | None
    payment_gateway: str | None
    payment_url: str | None = Field(
        None, description="While the order waits for its payment: the page to pay on."
    )
    paid_at: datetime | None
    created_at: datetime
    items: list[OrderItemOut] = Field(default_factory=list)


class BuyerOut(Output):
    uuid: uuid.UUID
    name: str
    email: str


class AdminOrderOut(OrderOut):
    buyer: BuyerOut
