"""Rows of the learner's tools: public courses with a lesson, bookmarks, notes, wishlists."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Bookmark,
    Course,
    CourseStatus,
    Lesson,
    StudentNote,
    User,
    Wishlist,
)
from tests.factories import create_course, create_lesson, create_section


async def create_public_course(
    session: AsyncSession, instructor: User | None = None, **values: Any
) -> Course:
    """A published, approved course."""
    values.setdefault("status", CourseStatus.PUBLISHED)
    values.setdefault("is_published", True)
    values.setdefault("is_approved", True)
    values.setdefault("published_at", utcnow())
    return await create_course(session, instructor, **values)


async def create_course_lesson(
    session: AsyncSession, course: Course, *, section_order: int = 0, **values: Any
) -> Lesson:
    """A lesson in a new section of ``course`` (a 600 s video unless told otherwise)."""
    section = await create_section(session, course, order=section_order)
    values.setdefault("duration_seconds", 600)
    return await create_lesson(session, section, **values)


async def create_bookmark(
    session: AsyncSession, user: User, lesson: Lesson, **values: Any
) -> Bookmark:
    bookmark = Bookmark(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id, **values)
    session.add(bookmark)
    await session.flush()
    return bookmark


async def create_note(
    session: AsyncSession, user: User, lesson: Lesson, **values: Any
) -> StudentNote:
    values.setdefault("content", "A note")
    note = StudentNote(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id, **values)
    session.add(note)
    await session.flush()
    return note


async def create_wish(session: AsyncSession, user: User, course: Course, **values: Any) -> Wishlist:
    wish = Wishlist(user_id=user.id, course_id=course.id, **values)
    session.add(wish)
    await session.flush()
    return wish
