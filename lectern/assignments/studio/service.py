"""Authoring assignments in the studio: settings, the lesson an assignment sits in, and the
files handed out with it. Every function takes a course the caller may edit
(lectern.courses.policy.course_for); assignments of other courses are not found.
Flushes, never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import UploadFile
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.assignments.studio.schemas import AssignmentCreate, AssignmentUpdate
from lectern.curriculum.files import RESOURCE_TYPES, max_upload_bytes
from lectern.curriculum.tasks import delete_stored_file
from lectern.errors import InvalidInput, NotFound
from lectern.kit import attachments as files
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.types import utcnow
from lectern.kit.uploads import accept_upload
from lectern.models import Assignment, Course, Lesson, LessonType

# Files an instructor may hand out: as lesson resources.
ATTACHMENT_TYPES = RESOURCE_TYPES
MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class AssignmentView:
    assignment: Assignment
    lesson_uuid: uuid.UUID | None


async def list_assignments(
    session: AsyncSession, course: Course, params: PageParams
) -> tuple[list[AssignmentView], PageMeta]:
    statement = (
        select(Assignment)
        .where(Assignment.course_id == course.id, Assignment.deleted_at.is_(None))
        .order_by(Assignment.order, Assignment.id)
    )
    rows, meta = await paginate(session, statement, params)
    lesson_ids = {row.lesson_id for row in rows if row.lesson_id is not None}
    uuids: dict[int, uuid.UUID] = {}
    if lesson_ids:
        found = await session.execute(
            select(Lesson.id, Lesson.uuid).where(Lesson.id.in_(lesson_ids))
        )
        uuids = {int(r.id): r.uuid for r in found}
    return [AssignmentView(row, uuids.get(row.lesson_id or 0)) for row in rows], meta


async def get_assignment(
    session: AsyncSession, course: Course, assignment_uuid: uuid.UUID, *, lock: bool = False
) -> Assignment:
    statement = select(Assignment).where(
        Assignment.uuid == assignment_uuid,
        Assignment.course_id == course.id,
        Assignment.deleted_at.is_(None),
    )
    if lock:
        statement = statement.with_for_update()
    assignment = await session.scalar(statement)
    if assignment is None:
        raise NotFound("no such assignment in this course")
    return assignment


async def view(session: AsyncSession, assignment: Assignment) -> AssignmentView:
    lesson_uuid = None
    if assignment.lesson_id is not None:
        lesson_uuid = await session.scalar(
            select(Lesson.uuid).where(Lesson.id == assignment.lesson_id)
        )
    return AssignmentView(assignment, lesson_uuid)


async def _lesson_id(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, assignment_id: int | None
) -> int:
    """The id of an assignment-type lesson of the course that holds no other assignment."""
    lesson = await session.scalar(
        select(Lesson).where(
            Lesson.uuid == lesson_uuid, Lesson.course_id == course.id, Lesson.deleted_at.is_(None)
        )
    )
    if lesson is None:
        raise InvalidInput("no such lesson in this course", field="lesson", code="no_such_lesson")
    if lesson.type != LessonType.ASSIGNMENT:
        raise InvalidInput(
            "the lesson is not an assignment lesson", field="lesson", code="not_assignment_lesson"
        )
    taken = await session.scalar(
        select(Assignment.id).where(
            Assignment.lesson_id == lesson.id,
            Assignment.deleted_at.is_(None),
            Assignment.id != (assignment_id or 0),
        )
    )
    if taken is not None:
        raise InvalidInput(
            "another assignment sits in this lesson", field="lesson", code="lesson_taken"
        )
    return lesson.id


def _check_points(assignment: Assignment) -> None:
    if assignment.passing_points > assignment.total_points:
        raise InvalidInput(
            "passing_points must not exceed total_points",
            field="passing_points",
            code="passing_above_total",
        )


async def create_assignment(
    session: AsyncSession, course: Course, body: AssignmentCreate
) -> AssignmentView:
    values: dict[str, Any] = body.model_dump(exclude={"lesson", "order"})
    lesson_uuid = body.lesson
    lesson_id = await _lesson_id(session, course, lesson_uuid, None) if lesson_uuid else None
    order = body.order
    if order is None:
        count = await session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.course_id == course.id, Assignment.deleted_at.is_(None)
            )
        )
        order = int(count or 0)
    assignment = Assignment(
        course_id=course.id, lesson_id=lesson_id, order=order, attachments=[], **values
    )
    _check_points(assignment)
    session.add(assignment)
    await session.flush()
    return AssignmentView(assignment, lesson_uuid)


async def update_assignment(
    session: AsyncSession, course: Course, assignment_uuid: uuid.UUID, body: AssignmentUpdate
) -> AssignmentView:
    assignment = await get_assignment(session, course, assignment_uuid)
    changes = body.changes()
    if "lesson" in changes:
        lesson_uuid = changes.pop("lesson")
        assignment.lesson_id = (
            await _lesson_id(session, course, lesson_uuid, assignment.id) if lesson_uuid else None
        )
    for name, value in changes.items():
        setattr(assignment, name, value)
    _check_points(assignment)
    await session.flush()
    return await view(session, assignment)


async def delete_assignment(
    session: AsyncSession, course: Course, assignment_uuid: uuid.UUID
) -> None:
    """Soft delete: learners' submissions and grades stay in the database."""
    assignment = await get_assignment(session, course, assignment_uuid)
    await session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id)
        .values(deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def add_attachment(
    session: AsyncSession, course: Course, assignment_uuid: uuid.UUID, file: UploadFile
) -> AssignmentView:
    """Size limit: the platform's uploads.max_file_mb (413); types as lesson resources (415)."""
    assignment = await get_assignment(session, course, assignment_uuid, lock=True)
    current = list(assignment.attachments or [])
    if len(current) >= MAX_ATTACHMENTS:
        raise InvalidInput(
            f"an assignment holds at most {MAX_ATTACHMENTS} attachments",
            field="file",
            code="too_many_files",
        )
    upload = await accept_upload(
        file, max_bytes=await max_upload_bytes(session), allowed=ATTACHMENT_TYPES
    )
    checked = files.Checked(upload.content, upload.file_name, upload.mime_type, upload.extension)
    entry = await files.store("assignments", checked)
    assignment.attachments = [*current, entry]
    await session.flush()
    return await view(session, assignment)


async def delete_attachment(
    session: AsyncSession, course: Course, assignment_uuid: uuid.UUID, file_id: str
) -> None:
    assignment = await get_assignment(session, course, assignment_uuid, lock=True)
    entry = files.find(assignment.attachments, file_id)
    if entry is None:
        raise NotFound("no such attachment")
    assignment.attachments = [e for e in assignment.attachments or [] if e is not entry]
    await session.flush()
    jobs.after_commit(session, delete_stored_file, key=entry["path"])
