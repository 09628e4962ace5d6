"""Rows of the enrollment tests: published courses, prerequisites, completed lessons."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CoursePrerequisite,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    User,
)
from tests.factories import create_course


async def create_published_course(
    session: AsyncSession, instructor: User | None = None, **values: Any
) -> Course:
    """A published, approved course (free unless a price is given)."""
    values.setdefault("status", CourseStatus.PUBLISHED)
    values.setdefault("is_published", True)
    values.setdefault("is_approved", True)
    return await create_course(session, instructor, **values)


async def add_prerequisite(
    session: AsyncSession, course: Course, prerequisite: Course, *, required: bool = True
) -> CoursePrerequisite:
    link = CoursePrerequisite(
        course_id=course.id, prerequisite_course_id=prerequisite.id, is_required=required
    )
    session.add(link)
    await session.flush()
    return link


async def complete_lesson(
    session: AsyncSession, enrollment: Enrollment, lesson: Lesson
) -> LessonProgress:
    progress = LessonProgress(
        user_id=enrollment.user_id,
        lesson_id=lesson.id,
        enrollment_id=enrollment.id,
        is_completed=True,
        completed_at=utcnow(),
    )
    session.add(progress)
    await session.flush()
    return progress
