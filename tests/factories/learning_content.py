"""Rows of the learner's side of a course: a live course, completed lessons."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import Course, CourseStatus, Enrollment, Lesson, LessonProgress, User
from tests.factories import create_course


async def create_live_course(
    session: AsyncSession, instructor: User | None = None, **values: Any
) -> Course:
    """A published, approved course (visible to everyone)."""
    values.setdefault("status", CourseStatus.PUBLISHED)
    values.setdefault("is_published", True)
    values.setdefault("is_approved", True)
    return await create_course(session, instructor, **values)


async def complete_lesson(
    session: AsyncSession, enrollment: Enrollment, lesson: Lesson, **values: Any
) -> LessonProgress:
    """A lesson_progress row marking ``lesson`` completed in ``enrollment``."""
    values.setdefault("is_completed", True)
    values.setdefault("completed_at", utcnow())
    progress = LessonProgress(
        user_id=enrollment.user_id, lesson_id=lesson.id, enrollment_id=enrollment.id, **values
    )
    session.add(progress)
    await session.flush()
    return progress
