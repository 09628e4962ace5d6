"""The lesson a bookmark or note is about: who may attach one to it, and its timeline.

- A user may bookmark or annotate a lesson they may open: staff of the course (any lesson
  not deleted), a student with a live enrollment (published lessons of published sections),
  or anyone for a free-preview lesson of a public course. Drip locks are not checked: a
  student may bookmark a lesson they will take later.
- A lesson the user cannot see at all (unknown, deleted, unpublished, or in a course that is
  not public and that the user has no enrollment in) is "no such lesson": 422 on ``lesson``.
  A lesson of a visible course the user is not entitled to is 403 ``not_enrolled`` (or
  ``enrollment_expired|refunded|suspended``), as for its content.
- Only video and audio lessons have a timeline. Their positions lie between 0 and the
  lesson's length (when the length is known, i.e. above zero); other lessons take none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import InvalidInput
from lectern.learning.access import Standing, course_access
from lectern.models import Course, CourseSection, CourseStatus, Lesson, LessonType, User

TIMELINE_TYPES = (LessonType.VIDEO, LessonType.AUDIO)


@dataclass(frozen=True)
class Target:
    """What a bookmark or note shows of its lesson and course, and the lesson's length."""

    lesson_id: int
    lesson_uuid: uuid.UUID
    lesson_title: str
    lesson_type: LessonType
    duration_seconds: int
    audio_duration: int | None
    course_id: int
    course_uuid: uuid.UUID
    course_title: str
    course_slug: str

    @property
    def length(self) -> int | None:
        """The timeline's length in seconds; 0 when unknown; None without a timeline."""
        if self.lesson_type == LessonType.VIDEO:
            return self.duration_seconds
        if self.lesson_type == LessonType.AUDIO:
            return self.audio_duration or self.duration_seconds
        return None

    def lesson_ref(self) -> dict[str, Any]:
        return {"uuid": self.lesson_uuid, "title": self.lesson_title, "type": self.lesson_type}

    def course_ref(self) -> dict[str, Any]:
        return {"uuid": self.course_uuid, "title": self.course_title, "slug": self.course_slug}


TARGET_COLUMNS = (
    Lesson.id.label("lesson_id"),
    Lesson.uuid.label("lesson_uuid"),
    Lesson.title.label("lesson_title"),
    Lesson.type.label("lesson_type"),
    Lesson.duration_seconds,
    Lesson.audio_duration,
    Course.id.label("course_id"),
    Course.uuid.label("course_uuid"),
    Course.title.label("course_title"),
    Course.slug.label("course_slug"),
)


def target_of(row: Any) -> Target:
    """A Target from a row that selected ``TARGET_COLUMNS``."""
    return Target(**{name: getattr(row, name) for name in Target.__dataclass_fields__})


def check_timestamp(target: Target, timestamp: int | None) -> None:
    if timestamp is None:
        return
    length = target.length
    if length is None:
        raise InvalidInput(
            f"a {target.lesson_type.value} lesson has no timeline: send null",
            field="body.timestamp",
        )
    if length and timestamp > length:
        raise InvalidInput(
            f"the lesson is {length} s long: the position must be at most that",
            field="body.timestamp",
        )


def _no_such_lesson() -> InvalidInput:
    return InvalidInput("no such lesson", field="body.lesson")


async def open_lesson(session: AsyncSession, user: User, lesson_uuid: uuid.UUID) -> Target:
    """The lesson ``user`` may attach a bookmark or note to (two or three statements)."""
    statement = (
        select(
            *TARGET_COLUMNS,
            Course,
            Lesson.is_free,
            Lesson.is_published,
            CourseSection.is_published.label("section_published"),
            CourseSection.deleted_at.label("section_deleted_at"),
        )
        .join(Course, Course.id == Lesson.course_id)
        .join(CourseSection, CourseSection.id == Lesson.section_id)
        .where(
            Lesson.uuid == lesson_uuid,
            Lesson.deleted_at.is_(None),
            Course.deleted_at.is_(None),
        )
    )
    row = (await session.execute(statement)).first()
    if row is None:
        raise _no_such_lesson()
    course: Course = row.Course
    access = await course_access(session, user, course)
    if access.standing is Standing.STAFF:
        return target_of(row)
    published = row.is_published and row.section_published and row.section_deleted_at is None
    public = course.status == CourseStatus.PUBLISHED and course.is_approved
    if not published or (not public and access.enrollment is None):
        raise _no_such_lesson()
    if not (access.entitled or (row.is_free and public)):
        access.require()
    return target_of(row)
