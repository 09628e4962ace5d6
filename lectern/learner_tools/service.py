"""Bookmarks and notes: a learner's own marks on lessons, private to them.

- Created only on lessons the user may open (see ``lessons.py``); the course is the
  lesson's, never the client's. Reading, editing and deleting later need only ownership:
  losing access to a course does not take a learner's own notes away.
- Everything is scoped to its owner in SQL: another user's bookmark or note is a 404.
- Lists show the marks whose lesson and course still exist (a soft-deleted lesson hides
  them, and reading or editing one is a 404 until it is restored; deleting still works),
  in curriculum order: course, section, lesson,
  then position (marks without one first), then creation.
- Note search (``q``): a case-insensitive substring match on the content, with ``%``, ``_``
  and ``\\`` taken literally (SQLite folds case for ASCII letters only).
- Note content is plain text stored as sent (trimmed): it is never sanitised nor rendered
  here, so "a < b" survives; clients must display it as text.
- Every request runs a fixed number of statements.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import NotFound
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains, rowcount
from lectern.kit.types import utcnow
from lectern.learner_tools import schemas
from lectern.learner_tools.lessons import (
    TARGET_COLUMNS,
    Target,
    check_timestamp,
    open_lesson,
    target_of,
)
from lectern.models import Bookmark, Course, CourseSection, Lesson, StudentNote, User

# A SELECT of several columns (entities and labelled values).
RowsSelect: TypeAlias = Select[*tuple[Any, ...]]


async def paginate_rows(
    session: AsyncSession, statement: RowsSelect, params: PageParams
) -> tuple[list[Any], PageMeta]:
    """Like ``kit.pagination.paginate`` for statements of several columns (two statements)."""
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = await session.execute(statement.limit(params.per_page).offset(params.offset))
    return list(rows), params.meta(int(total or 0))


def _mine(
    model: type[Bookmark] | type[StudentNote], user: User, *where: ColumnElement[bool]
) -> RowsSelect:
    """The user's rows of ``model`` with their lesson and course (both not deleted)."""
    return (
        select(model, *TARGET_COLUMNS)
        .join(Lesson, Lesson.id == model.lesson_id)
        .join(Course, Course.id == model.course_id)
        .where(
            model.user_id == user.id,
            Lesson.deleted_at.is_(None),
            Course.deleted_at.is_(None),
            *where,
        )
    )


def _in_curriculum_order(
    statement: RowsSelect, model: type[Bookmark] | type[StudentNote]
) -> RowsSelect:
    return statement.join(CourseSection, CourseSection.id == Lesson.section_id).order_by(
        model.course_id,
        CourseSection.order,
        CourseSection.id,
        Lesson.order,
        Lesson.id,
        func.coalesce(model.timestamp, -1),
        model.created_at,
        model.id,
    )


def _filters(
    model: type[Bookmark] | type[StudentNote],
    course: uuid.UUID | None,
    lesson: uuid.UUID | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if course is not None:
        where.append(Course.uuid == course)
    if lesson is not None:
        where.append(Lesson.uuid == lesson)
    return where


# -- bookmarks ------------------------------------------------------------------------------


def bookmark_out(bookmark: Bookmark, target: Target) -> schemas.BookmarkOut:
    return schemas.BookmarkOut.model_validate(
        {
            "id": bookmark.id,
            "lesson": target.lesson_ref(),
            "course": target.course_ref(),
            "title": bookmark.title,
            "note": bookmark.note,
            "timestamp": bookmark.timestamp,
            "created_at": bookmark.created_at,
            "updated_at": bookmark.updated_at,
        }
    )


async def create_bookmark(
    session: AsyncSession, user: User, data: schemas.BookmarkCreate
) -> schemas.BookmarkOut:
    target = await open_lesson(session, user, data.lesson)
    check_timestamp(target, data.timestamp)
    bookmark = Bookmark(
        user_id=user.id,
        lesson_id=target.lesson_id,
        course_id=target.course_id,
        title=data.title,
        note=data.note,
        timestamp=data.timestamp,
    )
    session.add(bookmark)
    await session.flush()
    return bookmark_out(bookmark, target)


async def list_bookmarks(
    session: AsyncSession,
    user: User,
    params: PageParams,
    *,
    course: uuid.UUID | None = None,
    lesson: uuid.UUID | None = None,
) -> tuple[list[schemas.BookmarkOut], PageMeta]:
    statement = _in_curriculum_order(
        _mine(Bookmark, user, *_filters(Bookmark, course, lesson)), Bookmark
    )
    rows, meta = await paginate_rows(session, statement, params)
    return [bookmark_out(row.Bookmark, target_of(row)) for row in rows], meta


async def _bookmark(session: AsyncSession, user: User, bookmark_id: int) -> tuple[Bookmark, Target]:
    row = (await session.execute(_mine(Bookmark, user, Bookmark.id == bookmark_id))).first()
    if row is None:
        raise NotFound("no such bookmark")
    return row.Bookmark, target_of(row)


async def get_bookmark(session: AsyncSession, user: User, bookmark_id: int) -> schemas.BookmarkOut:
    return bookmark_out(*await _bookmark(session, user, bookmark_id))


async def update_bookmark(
    session: AsyncSession, user: User, bookmark_id: int, data: schemas.BookmarkUpdate
) -> schemas.BookmarkOut:
    bookmark, target = await _bookmark(session, user, bookmark_id)
    changes = data.changes()
    if "timestamp" in changes:
        check_timestamp(target, changes["timestamp"])
    for name, value in changes.items():
        setattr(bookmark, name, value)
    await session.flush()
    return bookmark_out(bookmark, target)


async def delete_bookmark(session: AsyncSession, user: User, bookmark_id: int) -> None:
    result = await session.execute(
        delete(Bookmark)
        .where(Bookmark.id == bookmark_id, Bookmark.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) == 0:
        raise NotFound("no such bookmark")


# -- notes ----------------------------------------------------------------------------------


def note_out(note: StudentNote, target: Target) -> schemas.NoteOut:
    return schemas.NoteOut.model_validate(
        {
            "uuid": note.uuid,
            "lesson": target.lesson_ref(),
            "course": target.course_ref(),
            "content": note.content,
            "timestamp": note.timestamp,
            "color": note.color,
            "created_at": note.created_at,
            "updated_at": note.updated_at,
        }
    )


async def create_note(
    session: AsyncSession, user: User, data: schemas.NoteCreate
) -> schemas.NoteOut:
    target = await open_lesson(session, user, data.lesson)
    check_timestamp(target, data.timestamp)
    note = StudentNote(
        user_id=user.id,
        lesson_id=target.lesson_id,
        course_id=target.course_id,
        content=data.content,
        timestamp=data.timestamp,
        color=data.color,
    )
    session.add(note)
    await session.flush()
    return note_out(note, target)


async def list_notes(
    session: AsyncSession,
    user: User,
    params: PageParams,
    *,
    course: uuid.UUID | None = None,
    lesson: uuid.UUID | None = None,
    q: str | None = None,
) -> tuple[list[schemas.NoteOut], PageMeta]:
    where = _filters(StudentNote, course, lesson)
    where.append(StudentNote.deleted_at.is_(None))
    if q:
        where.append(StudentNote.content.ilike(contains(q), escape=LIKE_ESCAPE))
    statement = _in_curriculum_order(_mine(StudentNote, user, *where), StudentNote)
    rows, meta = await paginate_rows(session, statement, params)
    return [note_out(row.StudentNote, target_of(row)) for row in rows], meta


async def _note(
    session: AsyncSession, user: User, note_uuid: uuid.UUID
) -> tuple[StudentNote, Target]:
    statement = _mine(
        StudentNote, user, StudentNote.uuid == note_uuid, StudentNote.deleted_at.is_(None)
    )
    row = (await session.execute(statement)).first()
    if row is None:
        raise NotFound("no such note")
    return row.StudentNote, target_of(row)


async def get_note(session: AsyncSession, user: User, note_uuid: uuid.UUID) -> schemas.NoteOut:
    return note_out(*await _note(session, user, note_uuid))


async def update_note(
    session: AsyncSession, user: User, note_uuid: uuid.UUID, data: schemas.NoteUpdate
) -> schemas.NoteOut:
    note, target = await _note(session, user, note_uuid)
    changes = data.changes()
    if "timestamp" in changes:
        check_timestamp(target, changes["timestamp"])
    for name, value in changes.items():
        setattr(note, name, value)
    await session.flush()
    return note_out(note, target)


async def delete_note(session: AsyncSession, user: User, note_uuid: uuid.UUID) -> None:
    """Soft delete (one conditional UPDATE)."""
    result = await session.execute(
        update(StudentNote)
        .where(
            StudentNote.uuid == note_uuid,
            StudentNote.user_id == user.id,
            StudentNote.deleted_at.is_(None),
        )
        .values(deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) == 0:
        raise NotFound("no such note")
