"""Periodic work of quizzes: closing attempts left open past their time limit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.quizzes.attempts.service import close_overdue
from lectern.schedule import periodic


@periodic(timedelta(minutes=1), name="quizzes.close_overdue_attempts")
async def close_overdue_attempts(session: AsyncSession) -> int:
    """Close and grade (as they stand) the open attempts past their deadline."""
    return await close_overdue(session)
