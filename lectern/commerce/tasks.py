"""Periodic work of commerce."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import idempotency
from lectern.commerce.orders import fulfilment
from lectern.commerce.payments.reconcile import reconcile
from lectern.schedule import periodic


@periodic(timedelta(hours=1), name="commerce.forget_idempotency_keys")
async def forget_idempotency_keys(session: AsyncSession) -> int:
    """Idempotency keys are kept 24 hours."""
    return await idempotency.forget_expired(session)


@periodic(timedelta(minutes=5), name="commerce.expire_pending_orders")
async def expire_pending_orders(session: AsyncSession) -> int:
    """Unpaid orders close after ``orders.pending_minutes`` and give their coupon use back."""
    return await fulfilment.expire_overdue(session)


@periodic(timedelta(minutes=10), name="commerce.reconcile_payments")
async def reconcile_payments(session: AsyncSession) -> int:
    """Gateways are asked about orders whose webhook has not come after ten minutes."""
    return await reconcile(session)
