"""Periodic work of commerce."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import idempotency
from lectern.schedule import periodic


@periodic(timedelta(hours=1), name="commerce.forget_idempotency_keys")
async def forget_idempotency_keys(session: AsyncSession) -> int:
    """Idempotency keys are kept 24 hours."""
    return await idempotency.forget_expired(session)
