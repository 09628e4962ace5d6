"""The approval workflow of a course: authors submit, admins approve or reject.

draft / rejected / unpublished --submit--> pending_review --approve--> published
                                            pending_review --reject--> rejected
published --unpublish--> unpublished --publish--> published (approved courses only)

With the platform setting ``courses.review_required`` off, submit publishes a ready course
at once (approved by the rule the setting states).

Every transition is one conditional UPDATE on the expected status: of two racing requests
only one changes the row, the other gets a 409.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.courses.policy import Access, course_for
from lectern.courses.service import (
    access_problems,
    log_if_admin,
    price_problems,
    reload,
)
from lectern.errors import Conflict, InvalidInput
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import Course, CourseSection, CourseStatus, Lesson, User
from lectern.platform.service import get_value

REVIEW_REQUIRED = "courses.review_required"
SUBMITTABLE = (CourseStatus.DRAFT, CourseStatus.REJECTED, CourseStatus.UNPUBLISHED)


async def _transition(
    session: AsyncSession,
    course: Course,
    expected: tuple[CourseStatus, ...],
    values: dict[str, Any],
    *,
    also: Any = None,
) -> Course:
    statement = update(Course).where(
        Course.id == course.id, Course.status.in_(expected), Course.deleted_at.is_(None)
    )
    if also is not None:
        statement = statement.where(also)
    result = await session.execute(
        statement.values(**values, updated_at=utcnow()).execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise _wrong_status(course, expected)
    return await reload(session, course.id)


def _wrong_status(course: Course, expected: tuple[CourseStatus, ...]) -> Conflict:
    allowed = " or ".join(status.value for status in expected)
    return Conflict(
        f"the course is {course.status.value}; this needs it to be {allowed}",
        code="wrong_status",
    )


async def submit(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Course:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    if course.status not in SUBMITTABLE:
        raise _wrong_status(course, SUBMITTABLE)
    problems: list[tuple[str, str]] = []
    if not course.title.strip():
        problems.append(("title", "the course needs a title"))
    if not (course.description or "").strip():
        problems.append(("description", "the course needs a description"))
    lesson = await session.scalar(
        select(Lesson.id)
        .join(CourseSection, CourseSection.id == Lesson.section_id)
        .where(
            Lesson.course_id == course.id,
            Lesson.is_published,
            Lesson.deleted_at.is_(None),
            CourseSection.deleted_at.is_(None),
        )
        .limit(1)
    )
    if lesson is None:
        problems.append(("lessons", "the course needs at least one published lesson"))
    problems += price_problems(course.price_type, course.price, course.compare_price)
    problems += access_problems(course.access_type, course.access_days)
    if problems:
        raise InvalidInput(
            "the course is not ready for review: " + "; ".join(m for _, m in problems),
            code="not_ready",
            extra={
                "errors": [
                    {"loc": [field], "msg": message, "type": "value_error"}
                    for field, message in problems
                ]
            },
        )
    now = utcnow()
    if not await get_value(session, REVIEW_REQUIRED, True):
        # No review on this platform: a ready course is published at once.
        return await _transition(
            session, course, SUBMITTABLE, {"submitted_at": now, **_published(now)}
        )
    return await _transition(
        session, course, SUBMITTABLE, {"status": CourseStatus.PENDING_REVIEW, "submitted_at": now}
    )


def _published(now: datetime) -> dict[str, Any]:
    return {
        "status": CourseStatus.PUBLISHED,
        "is_approved": True,
        "is_published": True,
        "approved_at": now,
        "published_at": func.coalesce(Course.published_at, now),
        "rejection_reason": None,
    }


async def approve(session: AsyncSession, admin: User, course_uuid: uuid.UUID) -> Course:
    course = await course_for(session, admin, course_uuid, Access.OWNER)
    now = utcnow()
    course = await _transition(session, course, (CourseStatus.PENDING_REVIEW,), _published(now))
    log_if_admin(session, admin, course, "course.approved", f"Approved the course {course.title}")
    return course


async def reject(session: AsyncSession, admin: User, course_uuid: uuid.UUID, reason: str) -> Course:
    course = await course_for(session, admin, course_uuid, Access.OWNER)
    course = await _transition(
        session,
        course,
        (CourseStatus.PENDING_REVIEW,),
        {
            "status": CourseStatus.REJECTED,
            "is_approved": False,
            "is_published": False,
            "rejection_reason": reason,
        },
    )
    log_if_admin(
        session,
        admin,
        course,
        "course.rejected",
        f"Rejected the course {course.title}",
        reason=reason[:500],
    )
    return course


async def unpublish(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Course:
    course = await course_for(session, user, course_uuid, Access.OWNER)
    course = await _transition(
        session,
        course,
        (CourseStatus.PUBLISHED,),
        {"status": CourseStatus.UNPUBLISHED, "is_published": False},
    )
    log_if_admin(
        session, user, course, "course.unpublished", f"Unpublished the course {course.title}"
    )
    return course


async def publish(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Course:
    """Republish an unpublished course that an admin approved before."""
    course = await course_for(session, user, course_uuid, Access.OWNER)
    if course.status == CourseStatus.UNPUBLISHED and not course.is_approved:
        raise Conflict("this course was never approved: submit it for review", code="not_approved")
    course = await _transition(
        session,
        course,
        (CourseStatus.UNPUBLISHED,),
        {
            "status": CourseStatus.PUBLISHED,
            "is_published": True,
            "published_at": func.coalesce(Course.published_at, utcnow()),
        },
        also=Course.is_approved,
    )
    log_if_admin(
        session, user, course, "course.published", f"Republished the course {course.title}"
    )
    return course
