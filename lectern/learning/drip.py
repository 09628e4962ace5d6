"""Which lessons a student may open now: drip schedules, manual locks and prerequisite lessons.

The rules, applied to each published lesson in course order (section order, then lesson order):

- a lesson the student completed is ``completed`` (and stays open);
- a free-preview lesson is always ``available`` (visitors may see it anyway);
- ``is_locked`` (the instructor's switch) locks it, with no date;
- when the course has ``drip_content`` on, the section's and the lesson's drip settings
  apply: ``days_after_enrollment`` and ``date`` lock until a moment (the later one wins),
  ``after_section`` / ``after_lesson`` lock until every lesson of that section / that
  lesson is completed;
- a lesson marked ``is_prerequisite`` locks every later lesson until it is completed.

Staff (the course's instructors, admins) see everything ``available``. The computation is
pure: callers load the curriculum and the completed lesson ids (``load_curriculum``, three
statements) and ask for the plan.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.prebuilt import Prebuilt
from lectern.models import (
    CourseSection,
    CourseSectionDripType,
    Lesson,
    LessonDripType,
    LessonProgress,
)


class State(enum.StrEnum):
    LOCKED = "locked"
    AVAILABLE = "available"
    COMPLETED = "completed"


class LockReason(enum.StrEnum):
    LOCKED_BY_INSTRUCTOR = "locked_by_instructor"
    DRIP_SCHEDULE = "drip_schedule"  # a date (absolute, or days after enrolment)
    AFTER_SECTION = "after_section"  # complete a section first
    AFTER_LESSON = "after_lesson"  # complete a lesson first (drip or prerequisite lesson)


@dataclass(frozen=True)
class SectionRow:
    id: int
    title: str
    order: int
    drip_enabled: bool
    drip_type: CourseSectionDripType | None  # read as the string stored (kit.prebuilt)
    drip_days: int | None
    drip_date: datetime | None
    drip_after_section_id: int | None


@dataclass(frozen=True)
class LessonRow:
    id: int
    uuid: uuid.UUID
    section_id: int
    title: str
    type: str
    order: int
    duration_seconds: int
    is_free: bool
    is_locked: bool
    is_prerequisite: bool
    drip_enabled: bool
    drip_type: LessonDripType | None  # read as the string stored (kit.prebuilt)
    drip_days: int | None
    drip_date: datetime | None
    drip_after_lesson_id: int | None


@dataclass(frozen=True)
class Curriculum:
    """The published curriculum of a course, in order."""

    drip_content: bool
    sections: list[SectionRow]
    lessons: list[LessonRow]  # in course order

    def lessons_of(self, section_id: int) -> list[LessonRow]:
        return [lesson for lesson in self.lessons if lesson.section_id == section_id]


@dataclass
class Lock:
    """Why an item is locked: a reason, and either a moment or a thing to complete first."""

    reason: LockReason
    unlocks_at: datetime | None = None
    after_section_id: int | None = None
    after_lesson_id: int | None = None


@dataclass
class ItemState:
    state: State
    locks: list[Lock] = field(default_factory=list)

    @property
    def unlocks_at(self) -> datetime | None:
        """When every lock is a date: the moment the last one opens; else None."""
        if not self.locks or any(lock.unlocks_at is None for lock in self.locks):
            return None
        return max(lock.unlocks_at for lock in self.locks if lock.unlocks_at is not None)


@dataclass
class Plan:
    sections: dict[int, ItemState]
    lessons: dict[int, ItemState]
    curriculum: Curriculum

    def next_lesson(self) -> LessonRow | None:
        """The first lesson in course order that is available and not completed."""
        for lesson in self.curriculum.lessons:
            if self.lessons[lesson.id].state is State.AVAILABLE:
                return lesson
        return None


# Built once: every lesson a learner opens loads the curriculum.
_SECTIONS = Prebuilt(
    select(
        CourseSection.id,
        CourseSection.title,
        CourseSection.order,
        CourseSection.drip_enabled,
        CourseSection.drip_type,
        CourseSection.drip_days,
        CourseSection.drip_date,
        CourseSection.drip_after_section_id,
    )
    .where(
        CourseSection.course_id == bindparam("course_id"),
        CourseSection.deleted_at.is_(None),
        CourseSection.is_published.is_(True),
    )
    .order_by(CourseSection.order, CourseSection.id)
)
_LESSONS = Prebuilt(
    select(
        Lesson.id,
        Lesson.uuid,
        Lesson.section_id,
        Lesson.title,
        Lesson.type,
        Lesson.order,
        Lesson.duration_seconds,
        Lesson.is_free,
        Lesson.is_locked,
        Lesson.is_prerequisite,
        Lesson.drip_enabled,
        Lesson.drip_type,
        Lesson.drip_days,
        Lesson.drip_date,
        Lesson.drip_after_lesson_id,
    ).where(
        Lesson.course_id == bindparam("course_id"),
        Lesson.deleted_at.is_(None),
        Lesson.is_published.is_(True),
    )
)
_COMPLETED = Prebuilt(
    select(LessonProgress.lesson_id).where(
        LessonProgress.enrollment_id == bindparam("enrollment_id"),
        LessonProgress.is_completed.is_(True),
    )
)


async def load_curriculum(session: AsyncSession, course_id: int, drip_content: bool) -> Curriculum:
    """The course's published sections and lessons, in order (two statements)."""
    section_rows = await _SECTIONS.rows(session, course_id=course_id)
    lesson_rows = await _LESSONS.rows(session, course_id=course_id)
    return curriculum_of(section_rows, lesson_rows, drip_content)


def curriculum_of(
    section_rows: Iterable[Mapping[str, Any]],
    lesson_rows: Iterable[Mapping[str, Any]],
    drip_content: bool,
) -> Curriculum:
    """The curriculum from the rows of ``_SECTIONS`` and ``_LESSONS``: lessons of the
    published sections only, in course order."""
    sections = [SectionRow(**row) for row in section_rows]
    position = {section.id: index for index, section in enumerate(sections)}
    lessons = [LessonRow(**row) for row in lesson_rows if row["section_id"] in position]
    lessons.sort(key=lambda lesson: (position[lesson.section_id], lesson.order, lesson.id))
    return Curriculum(drip_content=drip_content, sections=sections, lessons=lessons)


async def completed_lesson_ids(session: AsyncSession, enrollment_id: int) -> set[int]:
    rows = await _COMPLETED.rows(session, enrollment_id=enrollment_id)
    return {row["lesson_id"] for row in rows}


def _schedule_lock(
    drip_type: str | None,
    days: int | None,
    date: datetime | None,
    enrolled_at: datetime,
    now: datetime,
) -> Lock | None:
    if drip_type == "days_after_enrollment" and days:
        opens = enrolled_at + timedelta(days=days)
    elif drip_type == "date" and date is not None:
        opens = date
    else:
        return None
    return Lock(LockReason.DRIP_SCHEDULE, unlocks_at=opens) if opens > now else None


def plan(
    curriculum: Curriculum,
    *,
    enrolled_at: datetime | None,
    completed: set[int],
    now: datetime,
) -> Plan:
    """The state of every section and lesson for a student enrolled at ``enrolled_at``
    (None: staff, who see everything available)."""
    if enrolled_at is None:
        everything = ItemState(State.AVAILABLE)
        return Plan(
            sections={section.id: everything for section in curriculum.sections},
            lessons={
                lesson.id: ItemState(State.COMPLETED if lesson.id in completed else State.AVAILABLE)
                for lesson in curriculum.lessons
            },
            curriculum=curriculum,
        )

    drip = curriculum.drip_content
    section_done = {
        section.id: all(lesson.id in completed for lesson in curriculum.lessons_of(section.id))
        for section in curriculum.sections
    }
    section_states: dict[int, ItemState] = {}
    for section in curriculum.sections:
        locks: list[Lock] = []
        if drip and section.drip_enabled:
            schedule = _schedule_lock(
                section.drip_type, section.drip_days, section.drip_date, enrolled_at, now
            )
            if schedule is not None:
                locks.append(schedule)
            after = section.drip_after_section_id
            if (
                section.drip_type == "after_section"
                and after is not None
                and after in section_done
                and not section_done[after]
            ):
                locks.append(Lock(LockReason.AFTER_SECTION, after_section_id=after))
        section_states[section.id] = ItemState(State.LOCKED if locks else State.AVAILABLE, locks)

    # A condition on a lesson that is unpublished or deleted no longer holds anything back.
    live = {lesson.id for lesson in curriculum.lessons}
    lesson_states: dict[int, ItemState] = {}
    blocking_prerequisite: LessonRow | None = None
    for lesson in curriculum.lessons:
        if lesson.id in completed:
            lesson_states[lesson.id] = ItemState(State.COMPLETED)
        elif lesson.is_free:
            lesson_states[lesson.id] = ItemState(State.AVAILABLE)
        else:
            locks = list(section_states[lesson.section_id].locks)
            if lesson.is_locked:
                locks.append(Lock(LockReason.LOCKED_BY_INSTRUCTOR))
            if drip and lesson.drip_enabled:
                schedule = _schedule_lock(
                    lesson.drip_type, lesson.drip_days, lesson.drip_date, enrolled_at, now
                )
                if schedule is not None:
                    locks.append(schedule)
                after = lesson.drip_after_lesson_id
                if lesson.drip_type == "after_lesson" and after in live and after not in completed:
                    locks.append(Lock(LockReason.AFTER_LESSON, after_lesson_id=after))
            if blocking_prerequisite is not None:
                locks.append(
                    Lock(LockReason.AFTER_LESSON, after_lesson_id=blocking_prerequisite.id)
                )
            lesson_states[lesson.id] = ItemState(State.LOCKED if locks else State.AVAILABLE, locks)
        if lesson.is_prerequisite and lesson.id not in completed and blocking_prerequisite is None:
            blocking_prerequisite = lesson
    return Plan(sections=section_states, lessons=lesson_states, curriculum=curriculum)
