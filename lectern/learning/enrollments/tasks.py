"""Periodic work of enrollments: expiring those past their end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.learning.enrollments.service import expire_due
from lectern.schedule import periodic


@periodic(timedelta(minutes=5), name="learning.expire_enrollments")
async def expire_enrollments(session: AsyncSession) -> int:
    """Expire every live enrollment past its ``expires_at``."""
    return await expire_due(session)
