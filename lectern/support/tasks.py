"""Periodic work of support: closing tickets resolved long enough ago."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.schedule import periodic
from lectern.support.staff import close_resolved


@periodic(timedelta(hours=1), name="support.close_resolved")
async def close_resolved_tickets(session: AsyncSession) -> int:
    """Close the tickets resolved more than ``support.auto_close_days`` ago."""
    return await close_resolved(session)
