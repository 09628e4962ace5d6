"""The dashboards' queries: a learner's courses, and a course's enrollments for its instructors.

Each list is a fixed number of statements whatever its size: a count and a page with the
course card joined; the learner's list also finds each row's next lesson in SQL (a
correlated subquery per row giving the id of the first published lesson in course order
with no completed ``lesson_progress`` for the learner, drip locks aside) and reads those
lessons' titles in one more statement.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from sqlalchemy import Row, Select, String, and_, bindparam, case, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern.db import unit_of_work
from lectern.errors import NotFound
from lectern.kit.prebuilt import Prebuilt
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains
from lectern.kit.types import UTCDateTime, utcnow
from lectern.learning.access import LIVE_STATUSES
from lectern.learning.enrollments.schemas import (
    CourseEnrollmentOut,
    EnrollmentOut,
    StudentOut,
)
from lectern.learning.enrollments.service import expire_due
from lectern.models import (
    Course,
    CourseSection,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    User,
    UserRole,
)

# A SELECT of an entity and columns.
Rows: TypeAlias = Select[*tuple[Any, ...]]

Instructor = aliased(User, name="instructor")
Student = aliased(User, name="student")


def _next_lesson_id() -> Any:
    """The id of the enrollment's next lesson (a correlated scalar subquery)."""
    lesson = aliased(Lesson, name="next_lesson")
    section = aliased(CourseSection, name="next_section")
    # Correlated to the outermost enrollment explicitly: left to auto-correlation, this
    # EXISTS (two levels down) would grow its own FROM enrollments and match anyone's rows.
    done = (
        exists()
        .where(
            LessonProgress.enrollment_id == Enrollment.id,
            LessonProgress.lesson_id == lesson.id,
            LessonProgress.is_completed.is_(True),
        )
        .correlate(Enrollment, lesson)
    )
    return (
        select(lesson.id)
        .join(section, section.id == lesson.section_id)
        .where(
            lesson.course_id == Enrollment.course_id,
            lesson.deleted_at.is_(None),
            lesson.is_published.is_(True),
            section.deleted_at.is_(None),
            section.is_published.is_(True),
            ~done,
        )
        .order_by(section.order, section.id, lesson.order, lesson.id)
        .limit(1)
        .correlate(Enrollment)
        .scalar_subquery()
    )


# An enrollment past its end still marked live: shown (and filtered) as expired, as access
# decides, until the expiry job writes it down; reading the dashboard writes nothing.
_LAPSED = and_(
    Enrollment.status.in_(LIVE_STATUSES),
    Enrollment.expires_at.is_not(None),
    Enrollment.expires_at <= bindparam("now", type_=UTCDateTime),
)
_STATUS = case((_LAPSED, EnrollmentStatus.EXPIRED.value), else_=Enrollment.status)
_IS_ACTIVE = case((_LAPSED, false()), else_=Enrollment.is_active)

# Built once (at import): the aliases and subqueries make it costly to build.
_LEARNER: Rows = (
    select(
        Enrollment.id,
        Enrollment.uuid,
        Enrollment.enrollment_type,
        _STATUS.label("status"),
        _IS_ACTIVE.label("is_active"),
        Enrollment.enrolled_at,
        Enrollment.expires_at,
        Enrollment.completed_at,
        Enrollment.last_accessed_at,
        Enrollment.progress_percentage,
        Enrollment.completed_lessons,
        Enrollment.total_lessons,
        Enrollment.total_watch_time,
        Course.uuid.label("course_uuid"),
        Course.slug,
        Course.title,
        Course.thumbnail,
        Instructor.name.label("instructor_name"),
        Instructor.username.label("instructor_username"),
        _next_lesson_id().label("next_lesson_id"),
    )
    .join(Course, Course.id == Enrollment.course_id)
    .join(Instructor, Instructor.id == Course.instructor_id)
    .where(Enrollment.deleted_at.is_(None), Course.deleted_at.is_(None))
)
# The columns an enrollment card shows as they are read.
_CARD_KEYS = (
    "uuid", "enrollment_type", "status", "is_active", "enrolled_at", "expires_at",
    "completed_at", "last_accessed_at", "progress_percentage", "completed_lessons",
    "total_lessons", "total_watch_time",
)  # fmt: skip


_LESSON_BRIEFS = Prebuilt(
    select(Lesson.id, Lesson.uuid, Lesson.title).where(
        Lesson.id.in_(bindparam("ids", expanding=True))
    )
)


async def _next_lessons(
    session: AsyncSession, rows: Sequence[Mapping[str, Any]]
) -> dict[int, dict[str, Any]]:
    """The next lessons of ``rows`` by id (one statement, none when no row has one)."""
    ids = {row["next_lesson_id"] for row in rows if row["next_lesson_id"] is not None}
    if not ids:
        return {}
    found = await _LESSON_BRIEFS.rows(session, ids=sorted(ids))
    return {row["id"]: {"uuid": row["uuid"], "title": row["title"]} for row in found}


def _learner_out(row: Mapping[str, Any], next_lessons: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """An ``EnrollmentOut`` from its row."""
    card = {key: row[key] for key in _CARD_KEYS}
    card["course"] = {
        "uuid": row["course_uuid"],
        "slug": row["slug"],
        "title": row["title"],
        "thumbnail": row["thumbnail"],
        "instructor": {"name": row["instructor_name"], "username": row["instructor_username"]},
    }
    card["next_lesson"] = next_lessons.get(row["next_lesson_id"])
    return card


_last_activity = func.coalesce(Enrollment.last_accessed_at, Enrollment.enrolled_at)

LEARNER_SORTS: dict[str, Any] = {
    "last_activity": _last_activity,
    "enrolled_at": Enrollment.enrolled_at,
    "progress": Enrollment.progress_percentage,
    "title": Course.title,
}


def _ordered(statement: Rows, sorts: dict[str, Any], sort: str) -> Rows:
    column = sorts[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    tiebreak = Enrollment.id.desc() if sort.startswith("-") else Enrollment.id.asc()
    return statement.order_by(order, tiebreak)


def _paged(statement: Rows) -> tuple[Rows, Select[Any]]:
    """The page of ``statement`` (``:limit``, ``:offset``) and the count of its rows."""
    count = statement.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    return statement.limit(bindparam("limit")).offset(bindparam("offset")), count


async def _page(
    session: AsyncSession,
    statements: tuple[Rows, Select[Any]],
    params: PageParams,
    values: dict[str, Any],
) -> tuple[Sequence[Row[Any]], PageMeta]:
    page, count = statements
    total = (await session.execute(count, values)).scalar()
    window = {"limit": params.per_page, "offset": params.offset}
    rows = (await session.execute(page, values | window)).all()
    return rows, params.meta(int(total or 0))


@functools.cache
def _learner_page(sort: str, with_status: bool) -> tuple[Prebuilt, Prebuilt]:
    """A learner's enrollments (``:user_id``, ``:status``, ``:now``), one statement pair
    per shape."""
    statement = _LEARNER.where(Enrollment.user_id == bindparam("user_id"))
    if with_status:
        statement = statement.where(bindparam("status", type_=String) == _STATUS)
    page, count = _paged(_ordered(statement, LEARNER_SORTS, sort))
    return Prebuilt(page), Prebuilt(count)


async def my_enrollments(
    session: AsyncSession,
    user: User,
    params: PageParams,
    *,
    status: EnrollmentStatus | None = None,
    sort: str = "-last_activity",
) -> dict[str, Any]:
    """The learner's enrollments with their course card and next lesson, as
    ``Page[EnrollmentOut]`` serialises them (three statements: the count, the page, the
    next lessons' titles)."""
    page, count = _learner_page(sort, status is not None)
    values = {"user_id": user.id, "status": status, "now": utcnow()}
    total = int(await count.scalar(session, **values) or 0)
    rows = await page.rows(session, **values, limit=params.per_page, offset=params.offset)
    next_lessons = await _next_lessons(session, rows)
    items = [_learner_out(row, next_lessons) for row in rows]
    return {"items": items, "meta": params.meta(total).model_dump()}


async def enrollment_for(
    session: AsyncSession, viewer: User, enrollment_uuid: uuid.UUID
) -> Mapping[str, Any]:
    """One enrollment row (as the learner's list): the viewer's own; admins read any.
    404 for anyone else's."""
    statement = _LEARNER.where(Enrollment.uuid == enrollment_uuid)
    if viewer.role != UserRole.ADMIN:
        statement = statement.where(Enrollment.user_id == viewer.id)
    row = (await session.execute(statement, {"now": utcnow()})).first()
    if row is None:
        raise NotFound("no such enrollment")
    return dict(row._mapping)


async def enrollment_out(
    session: AsyncSession, viewer: User, enrollment_uuid: uuid.UUID
) -> EnrollmentOut:
    """One enrollment as the learner's list shows it (expired first if past its end)."""
    mine = None if viewer.role == UserRole.ADMIN else viewer.id
    await expire_due(session, user_id=mine, enrollment_uuid=enrollment_uuid)
    row = await enrollment_for(session, viewer, enrollment_uuid)
    return EnrollmentOut.model_validate(_learner_out(row, await _next_lessons(session, [row])))


# -- the instructor's side ----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseEnrollmentFilters:
    status: EnrollmentStatus | None = None
    min_progress: Decimal | None = None
    max_progress: Decimal | None = None
    q: str | None = None
    sort: str = "-enrolled_at"


STUDIO_SORTS: dict[str, Any] = {
    "enrolled_at": Enrollment.enrolled_at,
    "progress": Enrollment.progress_percentage,
    "last_accessed_at": func.coalesce(Enrollment.last_accessed_at, Enrollment.enrolled_at),
    "completed_at": Enrollment.completed_at,
    "name": Student.name,
    "email": Student.email,
}


def _studio_base() -> Rows:
    return (
        select(
            Enrollment,
            Student.uuid.label("student_uuid"),
            Student.name.label("student_name"),
            Student.email.label("student_email"),
        )
        .join(Student, Student.id == Enrollment.user_id)
        .where(Enrollment.deleted_at.is_(None))
    )


def course_enrollments_statement(course: Course, filters: CourseEnrollmentFilters) -> Rows:
    """The course's enrollments with their student, filtered and sorted."""
    statement = _studio_base().where(Enrollment.course_id == course.id)
    if filters.status is not None:
        statement = statement.where(Enrollment.status == filters.status)
    if filters.min_progress is not None:
        statement = statement.where(Enrollment.progress_percentage >= filters.min_progress)
    if filters.max_progress is not None:
        statement = statement.where(Enrollment.progress_percentage <= filters.max_progress)
    if filters.q:
        pattern = contains(filters.q.lower())
        statement = statement.where(
            or_(
                func.lower(Student.name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Student.email).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    return _ordered(statement, STUDIO_SORTS, filters.sort)


def _studio_out(row: Row[Any]) -> CourseEnrollmentOut:
    enrollment: Enrollment = row[0]
    return CourseEnrollmentOut(
        uuid=enrollment.uuid,
        student=StudentOut(uuid=row.student_uuid, name=row.student_name, email=row.student_email),
        enrollment_type=enrollment.enrollment_type,
        status=enrollment.status,
        enrolled_at=enrollment.enrolled_at,
        expires_at=enrollment.expires_at,
        progress_percentage=enrollment.progress_percentage,
        completed_lessons=enrollment.completed_lessons,
        total_lessons=enrollment.total_lessons,
        last_accessed_at=enrollment.last_accessed_at,
        completed_at=enrollment.completed_at,
    )


async def course_enrollments(
    session: AsyncSession, course: Course, filters: CourseEnrollmentFilters, params: PageParams
) -> tuple[list[CourseEnrollmentOut], PageMeta]:
    await expire_due(session, course_id=course.id)
    statements = _paged(course_enrollments_statement(course, filters))
    rows, meta = await _page(session, statements, params, {})
    return [_studio_out(row) for row in rows], meta


CSV_HEADER = [
    "enrollment",
    "student_name",
    "student_email",
    "enrollment_type",
    "status",
    "enrolled_at",
    "expires_at",
    "progress_percentage",
    "completed_lessons",
    "total_lessons",
    "last_accessed_at",
    "completed_at",
]


# A spreadsheet runs a cell starting with one of these as a formula.
async def course_export(
    session: AsyncSession, course: Course, filters: CourseEnrollmentFilters
) -> AsyncIterator[list[Any]]:
    """The export's rows, to stream. The expiry runs now, in the request's unit of work; the
    rows are read while the response streams, after that unit of work has committed and
    closed, so they are read in a unit of work of their own (closed when the stream ends or
    the client goes away)."""
    await expire_due(session, course_id=course.id)
    return _cells(course, filters)


async def _cells(
    course: Course, filters: CourseEnrollmentFilters, batch: int = 500
) -> AsyncIterator[list[Any]]:
    """The export's rows as cells, streamed from the database in batches."""
    statement = course_enrollments_statement(course, filters).execution_options(yield_per=batch)
    async with unit_of_work() as session:
        result = await session.stream(statement)
        async for row in result:
            yield _row_cells(_studio_out(row))


def _row_cells(out: CourseEnrollmentOut) -> list[Any]:
    return [
        out.uuid,
        out.student.name,
        out.student.email,
        out.enrollment_type.value,
        out.status.value,
        out.enrolled_at,
        out.expires_at,
        out.progress_percentage,
        out.completed_lessons,
        out.total_lessons,
        out.last_accessed_at,
        out.completed_at,
    ]
