"""Periodic work of earnings."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.earnings import service
from lectern.schedule import periodic


@periodic(timedelta(hours=1), name="earnings.clear_pending")
async def clear_pending(session: AsyncSession) -> int:
    """Earnings clear once the refund window of their sale has passed."""
    return await service.clear_due(session)
