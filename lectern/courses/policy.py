"""Who may author which course.

- Authoring at all needs an approved instructor profile (or the admin role): students
  and applicants get a 403.
- A course is visible for editing to its owner (courses.instructor_id), its
  co-instructors (course_instructors) and admins; to anyone else it does not exist (404).
- Co-instructors edit content; only the owner and admins delete a course, change its
  pricing, or manage its co-instructors (403 for a co-instructor).
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Forbidden, NotFound
from lectern.models import (
    Course,
    CourseInstructor,
    InstructorProfile,
    InstructorProfileStatus,
    User,
    UserRole,
)


class Access(enum.Enum):
    CONTENT = "content"  # edit what the course teaches: owner, co-instructors, admins
    OWNER = "owner"  # delete, pricing, co-instructors: owner and admins


async def require_author(session: AsyncSession, user: User) -> None:
    """403 unless the user may author courses at all."""
    if user.role == UserRole.ADMIN:
        return
    approved = await session.scalar(
        select(InstructorProfile.id).where(
            InstructorProfile.user_id == user.id,
            InstructorProfile.status == InstructorProfileStatus.APPROVED,
            InstructorProfile.deleted_at.is_(None),
        )
    )
    if user.role != UserRole.INSTRUCTOR or approved is None:
        raise Forbidden(
            "only approved instructors author courses: apply at /instructors/me/application",
            code="not_an_instructor",
        )


def on_team(user_id: Any) -> ColumnElement[bool]:
    """A WHERE clause on Course: ``user_id`` (a value or a users.id column) is its owner or
    on its team (co-instructor, assistant)."""
    member = exists().where(
        CourseInstructor.course_id == Course.id, CourseInstructor.instructor_id == user_id
    )
    return or_(Course.instructor_id == user_id, member)


def editable_by(user: User) -> ColumnElement[bool]:
    """A WHERE clause: the courses ``user`` may see in the studio."""
    if user.role == UserRole.ADMIN:
        return Course.deleted_at.is_(None)
    return (Course.deleted_at.is_(None)) & on_team(user.id)


async def course_for(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, access: Access
) -> Course:
    """The course, if ``user`` may act on it with ``access``; else 404 (not theirs) or 403."""
    await require_author(session, user)
    course = await session.scalar(
        select(Course).where(Course.uuid == course_uuid, editable_by(user))
    )
    if course is None:
        raise NotFound("no such course")
    if access is Access.OWNER and user.role != UserRole.ADMIN and course.instructor_id != user.id:
        raise Forbidden("only the course's owner may do this", code="owner_only")
    return course
