"""Asking the gateways about orders pending too long: a webhook can be lost, or held back for
days by the gateway's retries. What a gateway reports is settled like its webhook would have
been (the webhook, if it comes after all, finds the order settled)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import registry as gateways
from lectern.commerce.payments import settlement
from lectern.errors import NotFound
from lectern.kit.types import utcnow
from lectern.models import Order, OrderStatus

# How long a pending order waits for its webhook before the gateway is asked.
ASK_AFTER = timedelta(minutes=10)
# Orders asked about per run; the next run takes the rest.
BATCH = 50


async def reconcile(session: AsyncSession) -> int:
    """How many pending orders the gateways had news of."""
    waiting = list(
        await session.scalars(
            select(Order)
            .where(
                Order.status == OrderStatus.PENDING,
                Order.payment_gateway.is_not(None),
                Order.created_at < utcnow() - ASK_AFTER,
            )
            .order_by(Order.id)
            .limit(BATCH)
        )
    )
    settled = 0
    for order in waiting:
        try:
            gateway = gateways.serving(order.payment_gateway or "")
        except NotFound:
            continue  # a gateway the site no longer uses: its orders expire
        event = await gateway.look_up(order)
        if event is not None:
            await settlement.settle(session, event)
            settled += 1
    return settled
