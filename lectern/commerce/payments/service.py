"""What people do to payments: an admin records a bank transfer; the sandbox's pay page
reports how its pretend payment went. Both end in the settlement, like a webhook."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import sandbox
from lectern.commerce.gateways.manual import ManualGateway, recorded_payment
from lectern.commerce.payments import settlement
from lectern.errors import Conflict, NotFound
from lectern.kit.client import Client
from lectern.models import Order, OrderPaymentStatus, User
from lectern.platform.activity import ADMIN, log_activity


async def order_by_uuid(session: AsyncSession, order_uuid: uuid.UUID) -> Order:
    order = await session.scalar(
        select(Order).where(Order.uuid == order_uuid, Order.deleted_at.is_(None))
    )
    if order is None:
        raise NotFound("no such order")
    return order


async def record_transfer(
    session: AsyncSession, admin: User, client: Client, order_uuid: uuid.UUID, reference: str
) -> Order:
    """The buyer's transfer arrived: the order is paid (once, however often this is sent).
    A transfer for an order that expired meanwhile is a late payment, honoured or refunded."""
    order = await order_by_uuid(session, order_uuid)
    if order.payment_gateway != ManualGateway.name:
        raise Conflict(
            "only orders paid by bank transfer are marked paid by hand",
            code="not_a_transfer",
        )
    if order.payment_status in (OrderPaymentStatus.PAID, OrderPaymentStatus.REFUNDED):
        raise Conflict(f"the order is {order.status.value} already", code="order_paid_already")
    await settlement.settle(session, recorded_payment(order, reference))
    log_activity(
        session,
        log_name=ADMIN,
        event="order.transfer_recorded",
        description=f"Recorded the transfer for order {order.order_number}",
        causer=admin,
        subject=order,
        properties={"reference": reference},
        client=client,
    )
    await session.refresh(order)
    return order


async def sandbox_payment(
    session: AsyncSession, order: Order, outcome: sandbox.Outcome
) -> settlement.Outcome:
    """A press of the pay page's button: a signed event, received like any webhook."""
    body = sandbox.event_body(order, outcome)
    headers = {sandbox.SIGNATURE_HEADER: sandbox.sign(body)}
    return await settlement.receive(session, sandbox.SandboxGateway.name, body, headers)
