"""The course totals the curriculum feeds: recomputed in SQL, a fixed number of statements
per call (two for the course, three for its enrollments' progress).

- ``total_sections``: sections not deleted;
- ``total_lectures``: published, not deleted lessons in published sections not deleted;
- ``total_resources``: the files attached to those lessons;
- ``duration_minutes`` (course and each section): their lessons' running time rounded up to
  whole minutes. A lesson runs ``duration_seconds``, or ``audio_duration`` when it has no
  video duration.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.curriculum.events import CurriculumChanged
from lectern.models import Course, CourseSection, Lesson, LessonResource


def _lesson_seconds() -> ColumnElement[int]:
    return case(
        (Lesson.duration_seconds > 0, Lesson.duration_seconds),
        else_=func.coalesce(Lesson.audio_duration, 0),
    )


def counted_lesson() -> ColumnElement[bool]:
    """Lessons that count, for the course's totals and every learner's progress alike:
    published, not deleted, in a published section not deleted (the lessons a learner can
    open)."""
    live_section = (
        select(CourseSection.id)
        .where(
            CourseSection.id == Lesson.section_id,
            CourseSection.deleted_at.is_(None),
            CourseSection.is_published.is_(True),
        )
        .exists()
    )
    return Lesson.is_published.is_(True) & Lesson.deleted_at.is_(None) & live_section


async def refresh_totals(session: AsyncSession, course_id: int) -> None:
    """Recompute the totals of course ``course_id`` and of each of its sections.

    Flushes first (pending changes must count); two UPDATE statements whatever the size of
    the curriculum, then ``CurriculumChanged``: learning recounts every enrollment's lesson
    totals (three statements) and completes those that now have every lesson done. Loaded
    Course / CourseSection / Enrollment objects are not refreshed: re-read them
    (``populate_existing``) to see the new values.
    """
    await session.flush()
    section_seconds = (
        select(func.coalesce(func.sum(_lesson_seconds()), 0))
        .where(
            Lesson.section_id == CourseSection.id,
            Lesson.is_published.is_(True),
            Lesson.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    await session.execute(
        update(CourseSection)
        .where(CourseSection.course_id == course_id)
        .values(duration_minutes=(section_seconds + 59) // 60)
        .execution_options(synchronize_session=False)
    )
    counted = Lesson.course_id == course_id, counted_lesson()
    sections = (
        select(func.count(CourseSection.id))
        .where(CourseSection.course_id == course_id, CourseSection.deleted_at.is_(None))
        .scalar_subquery()
    )
    lectures = select(func.count(Lesson.id)).where(*counted).scalar_subquery()
    resources = (
        select(func.count(LessonResource.id))
        .join(Lesson, Lesson.id == LessonResource.lesson_id)
        .where(*counted)
        .scalar_subquery()
    )
    seconds = (
        select(func.coalesce(func.sum(_lesson_seconds()), 0)).where(*counted).scalar_subquery()
    )
    await session.execute(
        update(Course)
        .where(Course.id == course_id)
        .values(
            total_sections=sections,
            total_lectures=lectures,
            total_resources=resources,
            duration_minutes=(seconds + 59) // 60,
        )
        .execution_options(synchronize_session=False)
    )
    await events.publish(session, CurriculumChanged(course_id))
