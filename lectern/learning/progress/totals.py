"""The enrollment's totals: lessons that count, those completed, the percentage, and the
completion of the course they lead to. Set-based: a fixed number of statements whether one
enrollment or all of a course's are recounted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.curriculum.totals import counted_lesson
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import (
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
)


async def recount(
    session: AsyncSession,
    course_id: int,
    which: ColumnElement[bool],
    extra: dict[str, Any] | None = None,
) -> None:
    """Recompute total / completed lessons and the percentage of the enrollments of
    ``course_id`` that ``which`` selects (two statements)."""
    counted = Lesson.course_id == course_id, counted_lesson()
    total = select(func.count(Lesson.id)).where(*counted).scalar_subquery()
    completed = (
        select(func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.enrollment_id == Enrollment.id,
            LessonProgress.is_completed.is_(True),
            *counted,
        )
        .scalar_subquery()
    )
    scope = (Enrollment.course_id == course_id, which)
    await session.execute(
        update(Enrollment)
        .where(*scope)
        .values(total_lessons=total, completed_lessons=completed, **(extra or {}))
        .execution_options(synchronize_session=False)
    )
    # The percentage is stored in hundredths (ExactDecimal): integer division rounds down,
    # so 100.00 means every lesson.
    await session.execute(
        update(Enrollment)
        .where(*scope)
        .values(
            progress_percentage=case(
                (
                    Enrollment.total_lessons > 0,
                    (Enrollment.completed_lessons * 10000) // Enrollment.total_lessons,
                ),
                else_=0,
            )
        )
        .execution_options(synchronize_session=False)
    )


async def complete_courses(
    session: AsyncSession, course_id: int, which: ColumnElement[bool], now: datetime
) -> list[int]:
    """Complete the active enrollments (of those ``which`` selects) that have every lesson
    done and were not completed before; ``CourseCompleted`` for each. One statement (plus
    the subscribers)."""
    result = await session.execute(
        update(Enrollment)
        .where(
            Enrollment.course_id == course_id,
            which,
            Enrollment.completed_at.is_(None),
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.is_active.is_(True),
            Enrollment.deleted_at.is_(None),
            Enrollment.total_lessons > 0,
            Enrollment.completed_lessons >= Enrollment.total_lessons,
        )
        .values(completed_at=now, status=EnrollmentStatus.COMPLETED)
        .returning(Enrollment.id, Enrollment.user_id)
        .execution_options(synchronize_session=False)
    )
    completed = sorted((row.id, row.user_id) for row in result)
    for enrollment_id, user_id in completed:
        await events.publish(
            session,
            CourseCompleted(enrollment_id=enrollment_id, user_id=user_id, course_id=course_id),
        )
    return [enrollment_id for enrollment_id, _ in completed]


async def recount_course(session: AsyncSession, course_id: int) -> list[int]:
    """Redo every enrollment's totals of course ``course_id`` (after a curriculum change),
    then complete those that now have every lesson done; returns their ids. Three
    statements whatever the number of enrollments."""
    await recount(session, course_id, Enrollment.id.is_not(None))
    return await complete_courses(session, course_id, Enrollment.id.is_not(None), utcnow())
