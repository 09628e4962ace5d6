"""The one place a course's and an instructor's rating are kept: recomputed from the
approved reviews in the transaction that changed one, with the course row locked first, so
that concurrent reviews and moderation leave the figures exact (the lock makes the second
writer wait and count what the first committed; SQLite serialises writers on its own).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, InstructorProfile, Review, ReviewStatus

CENT = Decimal("0.01")


def shown() -> ColumnElement[bool]:
    """The reviews that count and that anyone may read: approved and not deleted."""
    return (Review.status == ReviewStatus.APPROVED) & Review.deleted_at.is_(None)


async def lock_course(session: AsyncSession, course_id: int) -> int:
    """Hold the course row until the transaction ends; its owner's user id."""
    owner = await session.scalar(
        select(Course.instructor_id).where(Course.id == course_id).with_for_update(key_share=True)
    )
    assert owner is not None
    return owner


def _average(total: Decimal | None, count: int) -> Decimal:
    return (Decimal(total or 0) / count).quantize(CENT, ROUND_HALF_UP) if count else Decimal(0)


async def refresh(session: AsyncSession, course_id: int, owner_id: int) -> None:
    """Recount the course's rating and its owner's (call after ``lock_course``)."""
    await session.flush()
    count, total = (
        await session.execute(
            select(func.count(Review.id), func.sum(Review.rating)).where(
                Review.course_id == course_id, shown()
            )
        )
    ).one()
    await session.execute(
        update(Course)
        .where(Course.id == course_id)
        .values(total_reviews=count, rating=_average(total, count))
        .execution_options(synchronize_session=False)
    )
    count, total = (
        await session.execute(
            select(func.count(Review.id), func.sum(Review.rating))
            .join(Course, Course.id == Review.course_id)
            .where(Course.instructor_id == owner_id, shown())
        )
    ).one()
    await session.execute(
        update(InstructorProfile)
        .where(InstructorProfile.user_id == owner_id)
        .values(total_reviews=count, rating=_average(total, count))
        .execution_options(synchronize_session=False)
    )
