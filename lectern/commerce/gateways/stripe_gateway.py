"""The Stripe gateway, through Stripe's official library: a Checkout Session per order,
signed webhooks, refunds, and a look at a session whose webhook never came.

The session carries the order's uuid (``client_reference_id`` and metadata, also on the
PaymentIntent, so its charges carry it too) and one line per course whose amounts add up to
the order's total exactly (the total spread over the courses by their prices, largest
remainder). Stripe may deliver any event late, twice or out of order; what each means is read
here, what it does to the order is the settlement's business.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import stripe

from lectern.commerce.gateways.base import (
    BadEvent,
    EventKind,
    GatewayEvent,
    PaymentStart,
    in_minor_units,
)
from lectern.commerce.money import allocate, unit_of
from lectern.config import payment_settings
from lectern.kit.links import app_link
from lectern.kit.types import utcnow
from lectern.models import Order, OrderItem

SIGNATURE_HEADER = "Stripe-Signature"
TOLERANCE_SECONDS = 300
# Stripe keeps a Checkout Session open from 30 minutes to 24 hours.
SESSION_MINUTES = 60

SESSION_EVENTS: dict[str, EventKind] = {
    "checkout.session.completed": "paid",
    "checkout.session.async_payment_succeeded": "paid",
    "checkout.session.async_payment_failed": "failed",
    "checkout.session.expired": "expired",
}


@lru_cache
def client() -> stripe.StripeClient:
    settings = payment_settings()
    assert settings.stripe_secret_key is not None
    addresses: Any = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses=addresses,
        http_client=stripe.HTTPXClient(timeout=20),
        max_network_retries=2,
    )


class StripeGateway:
    name = "stripe"

    async def start(self, order: Order, items: list[OrderItem]) -> PaymentStart:
        params: Any = {
            "mode": "payment",
            "client_reference_id": str(order.uuid),
            "line_items": _lines(order, items),
            "metadata": {"order": str(order.uuid)},
            "payment_intent_data": {"metadata": {"order": str(order.uuid)}},
            "success_url": app_link("home", {"order": str(order.uuid), "paid": "1"}),
            "cancel_url": app_link("home", {"order": str(order.uuid)}),
            "expires_at": int((utcnow() + timedelta(minutes=SESSION_MINUTES)).timestamp()),
        }
        if order.billing_email:
            params["customer_email"] = order.billing_email
        session = await client().v1.checkout.sessions.create_async(
            params=params, options={"idempotency_key": f"checkout-{order.uuid}"}
        )
        return PaymentStart(url=session.url, reference=session.id)

    def read_event(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        secret = payment_settings().stripe_webhook_secret
        try:
            event = client().construct_event(
                body, headers.get(SIGNATURE_HEADER, ""), secret or "", TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            code = "signature_too_old" if "tolerance" in str(exc) else "bad_signature"
            raise BadEvent("the event is not signed by Stripe now", code=code) from exc
        except ValueError as exc:
            raise BadEvent("the event is not JSON", code="unknown_event") from exc
        payload = event.to_dict()
        data = payload.get("data", {}).get("object", {})
        if event.type in SESSION_EVENTS:
            return _session_event(event.id, event.type, SESSION_EVENTS[event.type], data, payload)
        if event.type == "charge.refunded":
            return _refund_event(event.id, data, payload)
        raise BadEvent(f"Lectern does not handle {event.type!r} events", code="unknown_event")

    async def refund(self, order: Order, amount: Decimal) -> str:
        refund = await client().v1.refunds.create_async(
            params={
                "payment_intent": order.transaction_id or "",
                "amount": in_minor_units(amount, order.currency),
                "metadata": {"order": str(order.uuid)},
            }
        )
        return refund.id

    async def look_up(self, order: Order) -> GatewayEvent | None:
        reference = order.transaction_id or ""
        if not reference.startswith("cs_"):
            return None
        session = (await client().v1.checkout.sessions.retrieve_async(reference)).to_dict()
        if session.get("status") == "complete" and session.get("payment_status") in (
            "paid",
            "no_payment_required",
        ):
            kind: EventKind = "paid"
        elif session.get("status") == "expired":
            kind = "expired"
        else:
            return None
        # Its own event id: the webhook, if it comes after all, finds the order settled.
        return _session_event(f"lookup:{session['id']}", f"lookup.{kind}", kind, session, session)


def _lines(order: Order, items: list[OrderItem]) -> list[dict[str, Any]]:
    """One line per course, their amounts adding up to the order's total (tax included)."""
    unit = unit_of(order.currency)
    prices = [item.final_price for item in items]
    amounts = (
        allocate(order.total, prices, unit)
        if sum(prices, Decimal(0)) > 0
        else [order.total] + [order.total * 0] * (len(items) - 1)
    )
    return [
        {
            "quantity": 1,
            "price_data": {
                "currency": order.currency.lower(),
                "unit_amount": in_minor_units(amount, order.currency),
                "product_data": {"name": item.course_title[:250]},
            },
        }
        for item, amount in zip(items, amounts, strict=True)
        if amount > 0
    ]


def _order_of(data: Mapping[str, Any]) -> uuid.UUID:
    reference = data.get("client_reference_id") or (data.get("metadata") or {}).get("order")
    try:
        return uuid.UUID(str(reference))
    except ValueError as exc:
        raise BadEvent("the event names no order of Lectern's", code="unknown_order") from exc


def _session_event(
    event_id: str, type_: str, kind: EventKind, session: Mapping[str, Any], payload: dict[str, Any]
) -> GatewayEvent:
    if kind == "paid" and session.get("payment_status") == "unpaid":
        kind = "noted"  # completed, the money still on its way (a bank debit): wait for it
    currency = session.get("currency")
    return GatewayEvent(
        gateway=StripeGateway.name,
        event_id=event_id,
        type=type_,
        kind=kind,
        order=_order_of(session),
        payment=session.get("payment_intent") or None,
        amount=session.get("amount_total"),
        currency=currency.upper() if isinstance(currency, str) else None,
        payload=payload,
    )


def _refund_event(
    event_id: str, charge: Mapping[str, Any], payload: dict[str, Any]
) -> GatewayEvent:
    currency = charge.get("currency")
    return GatewayEvent(
        gateway=StripeGateway.name,
        event_id=event_id,
        type="charge.refunded",
        kind="refunded",
        order=_order_of(charge),
        payment=charge.get("payment_intent") or None,
        amount=charge.get("amount_refunded"),
        currency=currency.upper() if isinstance(currency, str) else None,
        payload=payload,
    )
