"""Bodies of the checkout and order routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import EmailStr, Field

from lectern.config import GatewayName
from lectern.kit.countries import CountryCode
from lectern.kit.schemas import Input, Output
from lectern.models import OrderPaymentStatus, OrderStatus


class BillingIn(Input):
    """Who pays and where: printed on the invoice; the country decides the tax."""

    name: str | None = Field(None, min_length=1, max_length=255)
    email: EmailStr | None = Field(None, max_length=255)
    phone: str | None = Field(None, min_length=1, max_length=50)
    address: str | None = Field(None, min_length=1, max_length=500)
    city: str | None = Field(None, min_length=1, max_length=120)
    state: str | None = Field(None, min_length=1, max_length=120)
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2.")
    zip: str | None = Field(None, min_length=1, max_length=20)


class CheckoutIn(Input):
    """The order is the cart as it stands (its courses, its coupon); this says how to pay."""

    gateway: GatewayName | None = Field(
        None, description="How to pay: one of the site's gateways (the first one if left out)."
    )
    billing: BillingIn | None = Field(
        None, description="Left out: the buyer's name and e-mail, no address, no tax."
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
    billing_name: str | None
    billing_email: str | None
    billing_country: str | None
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
