"""Settling what payment gateways report: one place, whatever the gateway.

Every event is kept once by (gateway, event id) in ``payment_events``: a replay, a second
delivery or two racing deliveries find it there and change nothing. The order's row is held
while the event is applied (after the buyer's, in the order checkout takes them), so two
different events for one order apply one after the other, each to the state the other left.

Gateways promise no order of delivery, so each event is compared with the order as it stands:

- ``paid`` for a pending order fulfils it; for one already paid it is ignored; for one that
  expired or failed it is a late payment, honoured or refunded (``fulfilment``);
- ``failed`` or ``expired`` close a pending order and release its coupon; for any other
  order they are ignored (a failure reported after the success, say);
- a refund made at the gateway itself (Stripe's dashboard) that Lectern has not recorded is
  recorded (the money only: which courses to take back is an admin's call, and logged);
- an amount, currency or gateway that differs from the order's is refused and logged, and the
  order is left as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import registry as gateways
from lectern.commerce.gateways.base import BadEvent, GatewayEvent, in_minor_units
from lectern.commerce.orders import fulfilment
from lectern.kit.sql import insert_ignore
from lectern.models import Order, OrderStatus, PaymentEvent, PaymentEventOutcome, User

log = logging.getLogger("lectern.payments")

Outcome = PaymentEventOutcome | None  # None: the event was settled before


async def receive(
    session: AsyncSession, gateway_name: str, body: bytes, headers: Mapping[str, str]
) -> Outcome:
    """A webhook as it came: checked by its gateway, then settled."""
    gateway = gateways.serving(gateway_name)
    return await settle(session, gateway.read_event(body, headers))


async def settle(session: AsyncSession, event: GatewayEvent) -> Outcome:
    order = await _hold(session, event)
    recorded = await insert_ignore(
        session,
        PaymentEvent,
        {
            "gateway": event.gateway,
            "event_id": event.event_id,
            "type": event.type,
            "order_id": order.id,
            "outcome": PaymentEventOutcome.HANDLED,
            "payload": event.payload,
        },
        ["gateway", "event_id"],
    )
    if not recorded:
        return None
    outcome, note = await _apply(session, order, event)
    if outcome is not PaymentEventOutcome.HANDLED or note:
        await session.execute(
            update(PaymentEvent)
            .where(PaymentEvent.gateway == event.gateway, PaymentEvent.event_id == event.event_id)
            .values(outcome=outcome, note=note)
        )
    return outcome


async def _hold(session: AsyncSession, event: GatewayEvent) -> Order:
    buyer = await session.scalar(select(Order.user_id).where(Order.uuid == event.order))
    if buyer is None:
        raise BadEvent("the event is about no order of this site", code="unknown_order")
    await session.execute(select(User.id).where(User.id == buyer).with_for_update(key_share=True))
    order = await session.scalar(
        select(Order)
        .where(Order.uuid == event.order)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert order is not None  # orders are never hard-deleted while they have a buyer
    return order


async def _apply(
    session: AsyncSession, order: Order, event: GatewayEvent
) -> tuple[PaymentEventOutcome, str | None]:
    mismatch = _mismatch(order, event)
    if mismatch is not None:
        log.warning(
            "payment event %s/%s refused for order %s: %s",
            event.gateway,
            event.event_id,
            order.order_number,
            mismatch,
        )
        return PaymentEventOutcome.REFUSED, mismatch
    pending = order.status == OrderStatus.PENDING
    if event.kind == "noted":
        return PaymentEventOutcome.IGNORED, "noted: the payment is still on its way"
    if event.kind == "refunded":
        done = await fulfilment.record_gateway_refund(session, order, event)
        return (
            (PaymentEventOutcome.HANDLED, done)
            if done
            else (
                PaymentEventOutcome.IGNORED,
                "every refund it reports is recorded already",
            )
        )
    if event.kind == "paid":
        if pending:
            _record_payment(order, event)
            await fulfilment.fulfil(session, order, await fulfilment.items_of(session, order))
            return PaymentEventOutcome.HANDLED, None
        if order.status in (OrderStatus.CANCELLED, OrderStatus.FAILED):
            _record_payment(order, event)
            gateway = gateways.serving(event.gateway)
            return PaymentEventOutcome.HANDLED, await fulfilment.settle_late_payment(
                session, order, gateway
            )
        return PaymentEventOutcome.IGNORED, f"the order is {order.status.value} already"
    if not pending:
        return PaymentEventOutcome.IGNORED, f"the order is {order.status.value} already"
    if event.kind == "failed":
        await fulfilment.close_unpaid(session, order, OrderStatus.FAILED, "the payment failed")
    else:
        await fulfilment.close_unpaid(
            session, order, OrderStatus.CANCELLED, "the payment page expired"
        )
    return PaymentEventOutcome.HANDLED, None


def _mismatch(order: Order, event: GatewayEvent) -> str | None:
    if order.payment_gateway != event.gateway:
        return f"the order is paid through {order.payment_gateway or 'no gateway'}"
    if event.kind not in ("paid", "refunded"):
        return None
    if event.currency is None or event.currency.upper() != order.currency:
        return f"the currency {event.currency} is not the order's {order.currency}"
    if event.kind == "refunded":
        return None
    if event.amount != in_minor_units(order.total, order.currency):
        return (
            f"the amount {event.amount} (minor units) is not the order's "
            f"{in_minor_units(order.total, order.currency)}"
        )
    return None


def _record_payment(order: Order, event: GatewayEvent) -> None:
    details: dict[str, Any] = dict(order.payment_details or {})
    details.update({"event": event.event_id, "type": event.type})
    order.payment_details = details
    if event.payment:
        order.transaction_id = event.payment
