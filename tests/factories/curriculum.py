"""Rows of the curriculum domain: authors, resources, subtitle tracks."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Course,
    CourseInstructor,
    InstructorProfileStatus,
    Lesson,
    LessonResource,
    User,
    UserRole,
    VideoTrack,
)
from tests.factories import create_user
from tests.factories.instructors import create_profile


async def create_author(session: AsyncSession, **values: Any) -> User:
    """An approved instructor."""
    user = await create_user(session, role=UserRole.INSTRUCTOR, **values)
    await create_profile(session, user, status=InstructorProfileStatus.APPROVED)
    return user


async def add_co_instructor(session: AsyncSession, course: Course, user: User) -> None:
    session.add(CourseInstructor(course_id=course.id, instructor_id=user.id))
    await session.flush()


async def create_resource(session: AsyncSession, lesson: Lesson, **values: Any) -> LessonResource:
    values.setdefault("title", "Slides")
    values.setdefault("file_path", "resources/00/missing.pdf")
    values.setdefault("file_name", "slides.pdf")
    values.setdefault("file_type", "application/pdf")
    resource = LessonResource(lesson_id=lesson.id, **values)
    session.add(resource)
    await session.flush()
    return resource


async def create_track(session: AsyncSession, lesson: Lesson, **values: Any) -> VideoTrack:
    values.setdefault("language", "en")
    values.setdefault("label", "English")
    values.setdefault("file_path", "tracks/00/missing.vtt")
    track = VideoTrack(lesson_id=lesson.id, **values)
    session.add(track)
    await session.flush()
    return track
