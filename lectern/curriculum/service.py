"""The curriculum's rules: sections and lessons in a dense order, typed lessons, drip
conditions inside the course, and the totals they feed (a lesson's files: files.py).

Every function takes a course the caller may edit (lectern.courses.policy.course_for);
objects of other courses are not found. Flushes, never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from lectern import events
from lectern.curriculum.events import LessonPublished
from lectern.curriculum.schemas import (
    LessonCreate,
    LessonMove,
    LessonUpdate,
    SectionCreate,
    SectionUpdate,
)
from lectern.curriculum.totals import refresh_totals
from lectern.errors import InvalidInput, NotFound
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseSection,
    CourseSectionDripType,
    Lesson,
    LessonDripType,
    LessonResource,
    LessonType,
)


def renumber(items: Sequence[CourseSection | Lesson | LessonResource]) -> None:
    """``order`` becomes 0..n-1 in list order (only changed rows are written)."""
    for position, item in enumerate(items):
        if item.order != position:
            item.order = position


def _same_ids(given: Sequence[Any], existing: Sequence[Any], what: str, field: str) -> None:
    """``given`` must name each of ``existing`` exactly once (422 otherwise)."""
    if len(set(given)) != len(given):
        raise InvalidInput(f"the list names a {what} twice", field=field)
    unknown = set(given) - set(existing)
    if unknown:
        raise InvalidInput(
            f"the list names a {what} that is not part of this {_parent(what)}: "
            f"{sorted(str(item) for item in unknown)[0]}",
            field=field,
        )
    if len(given) != len(existing):
        raise InvalidInput(
            f"the list must name every {what} of the {_parent(what)} ({len(existing)})",
            field=field,
        )


def _parent(what: str) -> str:
    return "course" if what == "section" else "section"


# -- sections ---------------------------------------------------------------------------------


def _sections_query(course: Course) -> Any:
    return (
        select(CourseSection)
        .where(CourseSection.course_id == course.id, CourseSection.deleted_at.is_(None))
        .order_by(CourseSection.order, CourseSection.id)
    )


async def list_sections(session: AsyncSession, course: Course) -> list[CourseSection]:
    """The curriculum: sections in order with their lessons in order (two queries)."""
    rows = await session.scalars(
        _sections_query(course)
        .options(
            selectinload(CourseSection.lessons.and_(Lesson.deleted_at.is_(None))),
        )
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def get_section(
    session: AsyncSession, course: Course, section_id: int, *, with_lessons: bool = False
) -> CourseSection:
    statement = select(CourseSection).where(
        CourseSection.id == section_id,
        CourseSection.course_id == course.id,
        CourseSection.deleted_at.is_(None),
    )
    if with_lessons:
        statement = statement.options(
            selectinload(CourseSection.lessons.and_(Lesson.deleted_at.is_(None)))
        ).execution_options(populate_existing=True)
    section = await session.scalar(statement)
    if section is None:
        raise NotFound("no such section in this course")
    return section


async def _check_section_drip(
    session: AsyncSession, course: Course, section: CourseSection
) -> None:
    if section.drip_enabled and section.drip_type is None:
        raise InvalidInput("drip_type is required when drip is enabled", field="drip_type")
    if section.drip_type == CourseSectionDripType.DAYS_AFTER_ENROLLMENT and (
        section.drip_days is None
    ):
        raise InvalidInput("drip_days is required for days_after_enrollment", field="drip_days")
    if section.drip_type == CourseSectionDripType.DATE and section.drip_date is None:
        raise InvalidInput("drip_date is required for a date drip", field="drip_date")
    if section.drip_type == CourseSectionDripType.AFTER_SECTION and (
        section.drip_after_section_id is None
    ):
        raise InvalidInput(
            "drip_after_section_id is required for after_section", field="drip_after_section_id"
        )
    pointer = section.drip_after_section_id
    if pointer is None:
        return
    if section.id is not None and pointer == section.id:
        raise InvalidInput("a section cannot wait for itself", field="drip_after_section_id")
    found = await session.scalar(
        select(CourseSection.id).where(
            CourseSection.id == pointer,
            CourseSection.course_id == course.id,
            CourseSection.deleted_at.is_(None),
        )
    )
    if found is None:
        raise InvalidInput(
            "drip_after_section_id must be another section of this course",
            field="drip_after_section_id",
        )


async def create_section(
    session: AsyncSession, course: Course, data: SectionCreate
) -> CourseSection:
    count = await session.scalar(
        select(func.count(CourseSection.id)).where(
            CourseSection.course_id == course.id, CourseSection.deleted_at.is_(None)
        )
    )
    section = CourseSection(course_id=course.id, order=int(count or 0), **data.model_dump())
    await _check_section_drip(session, course, section)
    session.add(section)
    await refresh_totals(session, course.id)
    return await get_section(session, course, section.id, with_lessons=True)


async def update_section(
    session: AsyncSession, course: Course, section_id: int, data: SectionUpdate
) -> CourseSection:
    section = await get_section(session, course, section_id)
    for name, value in data.changes().items():
        setattr(section, name, value)
    await _check_section_drip(session, course, section)
    await refresh_totals(session, course.id)
    return await get_section(session, course, section.id, with_lessons=True)


async def delete_section(session: AsyncSession, course: Course, section_id: int) -> None:
    """Soft-deletes the section and its lessons; drip conditions that pointed at them go;
    the remaining sections close up."""
    section = await get_section(session, course, section_id)
    now = utcnow()
    section.deleted_at = now
    await session.flush()
    lesson_ids = select(Lesson.id).where(Lesson.section_id == section.id).scalar_subquery()
    await session.execute(
        update(Lesson)
        .where(Lesson.section_id == section.id, Lesson.deleted_at.is_(None))
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Lesson)
        .where(Lesson.course_id == course.id, Lesson.drip_after_lesson_id.in_(lesson_ids))
        .values(drip_after_lesson_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(CourseSection)
        .where(
            CourseSection.course_id == course.id,
            CourseSection.drip_after_section_id == section.id,
        )
        .values(drip_after_section_id=None)
        .execution_options(synchronize_session=False)
    )
    remaining = await session.scalars(
        _sections_query(course).execution_options(populate_existing=True)
    )
    renumber(list(remaining))
    await refresh_totals(session, course.id)


async def reorder_sections(
    session: AsyncSession, course: Course, section_ids: list[int]
) -> list[CourseSection]:
    sections = list(await session.scalars(_sections_query(course)))
    _same_ids(section_ids, [s.id for s in sections], "section", "section_ids")
    by_id = {section.id: section for section in sections}
    renumber([by_id[section_id] for section_id in section_ids])
    await session.flush()
    return await list_sections(session, course)


# -- lessons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonView:
    lesson: Lesson
    drip_after_lesson: uuid.UUID | None


async def get_lesson(session: AsyncSession, course: Course, lesson_uuid: uuid.UUID) -> Lesson:
    lesson = await session.scalar(
        select(Lesson).where(
            Lesson.uuid == lesson_uuid,
            Lesson.course_id == course.id,
            Lesson.deleted_at.is_(None),
        )
    )
    if lesson is None:
        raise NotFound("no such lesson in this course")
    return lesson


async def lesson_view(session: AsyncSession, lesson: Lesson) -> LessonView:
    pointer = None
    if lesson.drip_after_lesson_id is not None:
        pointer = await session.scalar(
            select(Lesson.uuid).where(Lesson.id == lesson.drip_after_lesson_id)
        )
    return LessonView(lesson, pointer)


def _lessons_query(section_id: int) -> Any:
    return (
        select(Lesson)
        .where(Lesson.section_id == section_id, Lesson.deleted_at.is_(None))
        .order_by(Lesson.order, Lesson.id)
    )


_REQUIRED_BY_TYPE: dict[LessonType, tuple[str, str]] = {
    LessonType.AUDIO: ("audio_url", "an audio lesson needs audio_url"),
    LessonType.DOCUMENT: ("document_url", "a document lesson needs document_url"),
    LessonType.TEXT: ("content", "a text lesson needs content"),
    LessonType.EMBED: ("embed_code", "an embed lesson needs embed_code"),
}


def _check_lesson_type(lesson: Lesson) -> None:
    if lesson.type == LessonType.VIDEO:
        if not lesson.video_url and not (lesson.video_provider and lesson.video_id):
            raise InvalidInput(
                "a video lesson needs video_url, or video_provider and video_id",
                field="video_url",
            )
        return
    required = _REQUIRED_BY_TYPE.get(lesson.type)
    if required is not None and not (getattr(lesson, required[0]) or "").strip():
        raise InvalidInput(required[1], field=required[0])


async def _apply_lesson_drip(
    session: AsyncSession, course: Course, lesson: Lesson, fields: dict[str, Any]
) -> None:
    """Set the drip pointer from its uuid (when given) and check the drip settings."""
    if "drip_after_lesson" in fields:
        pointer = fields["drip_after_lesson"]
        if pointer is None:
            lesson.drip_after_lesson_id = None
        else:
            target = await session.scalar(
                select(Lesson.id).where(
                    Lesson.uuid == pointer,
                    Lesson.course_id == course.id,
                    Lesson.deleted_at.is_(None),
                )
            )
            if target is None:
                raise InvalidInput(
                    "drip_after_lesson must be another lesson of this course",
                    field="drip_after_lesson",
                )
            if lesson.id is not None and target == lesson.id:
                raise InvalidInput("a lesson cannot wait for itself", field="drip_after_lesson")
            lesson.drip_after_lesson_id = target
    if lesson.drip_enabled and lesson.drip_type is None:
        raise InvalidInput("drip_type is required when drip is enabled", field="drip_type")
    if lesson.drip_type == LessonDripType.DAYS_AFTER_ENROLLMENT and lesson.drip_days is None:
        raise InvalidInput("drip_days is required for days_after_enrollment", field="drip_days")
    if lesson.drip_type == LessonDripType.DATE and lesson.drip_date is None:
        raise InvalidInput("drip_date is required for a date drip", field="drip_date")
    if lesson.drip_type == LessonDripType.AFTER_LESSON and lesson.drip_after_lesson_id is None:
        raise InvalidInput(
            "drip_after_lesson is required for after_lesson", field="drip_after_lesson"
        )


async def create_lesson(
    session: AsyncSession, course: Course, section_id: int, data: LessonCreate
) -> LessonView:
    section = await get_section(session, course, section_id)
    count = await session.scalar(
        select(func.count(Lesson.id)).where(
            Lesson.section_id == section.id, Lesson.deleted_at.is_(None)
        )
    )
    fields = data.model_dump(exclude={"drip_after_lesson"})
    lesson = Lesson(course_id=course.id, section_id=section.id, order=int(count or 0), **fields)
    _check_lesson_type(lesson)
    await _apply_lesson_drip(
        session, course, lesson, data.model_dump(include={"drip_after_lesson"})
    )
    session.add(lesson)
    await refresh_totals(session, course.id)
    if lesson.is_published:
        await events.publish(session, LessonPublished(course.id, lesson.id))
    return await lesson_view(session, lesson)


async def update_lesson(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, data: LessonUpdate
) -> LessonView:
    lesson = await get_lesson(session, course, lesson_uuid)
    was_published = lesson.is_published
    changes = data.changes()
    for name, value in changes.items():
        if name != "drip_after_lesson":
            setattr(lesson, name, value)
    _check_lesson_type(lesson)
    await _apply_lesson_drip(session, course, lesson, changes)
    await refresh_totals(session, course.id)
    if lesson.is_published and not was_published:
        await events.publish(session, LessonPublished(course.id, lesson.id))
    return await lesson_view(session, lesson)


async def delete_lesson(session: AsyncSession, course: Course, lesson_uuid: uuid.UUID) -> None:
    lesson = await get_lesson(session, course, lesson_uuid)
    lesson.deleted_at = utcnow()
    await session.flush()
    await session.execute(
        update(Lesson)
        .where(Lesson.course_id == course.id, Lesson.drip_after_lesson_id == lesson.id)
        .values(drip_after_lesson_id=None)
        .execution_options(synchronize_session=False)
    )
    renumber(list(await session.scalars(_lessons_query(lesson.section_id))))
    await refresh_totals(session, course.id)


async def reorder_lessons(
    session: AsyncSession, course: Course, section_id: int, lesson_uuids: list[uuid.UUID]
) -> CourseSection:
    section = await get_section(session, course, section_id)
    lessons = list(await session.scalars(_lessons_query(section.id)))
    _same_ids(lesson_uuids, [lesson.uuid for lesson in lessons], "lesson", "lesson_uuids")
    by_uuid = {lesson.uuid: lesson for lesson in lessons}
    renumber([by_uuid[lesson_uuid] for lesson_uuid in lesson_uuids])
    await session.flush()
    return await get_section(session, course, section.id, with_lessons=True)


async def move_lesson(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, data: LessonMove
) -> LessonView:
    """Move a lesson to ``position`` (default: the end) of another section of the course;
    both sections stay densely ordered."""
    lesson = await get_lesson(session, course, lesson_uuid)
    target = await get_section(session, course, data.section_id)
    source_id = lesson.section_id
    ids = {source_id, target.id}
    rows = list(
        await session.scalars(
            select(Lesson)
            .where(Lesson.section_id.in_(ids), Lesson.deleted_at.is_(None))
            .order_by(Lesson.order, Lesson.id)
        )
    )
    source = [row for row in rows if row.section_id == source_id and row.id != lesson.id]
    destination = (
        source if target.id == source_id else [row for row in rows if row.section_id == target.id]
    )
    position = len(destination) if data.position is None else min(data.position, len(destination))
    destination.insert(position, lesson)
    lesson.section_id = target.id
    renumber(source)
    renumber(destination)
    await refresh_totals(session, course.id)
    return await lesson_view(session, lesson)
