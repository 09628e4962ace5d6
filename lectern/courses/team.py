"""Co-instructors of a course (course_instructors), managed by the owner and admins.

The owner stays ``courses.instructor_id`` and has no row here; co-instructors' revenue
shares add up to at most 100 % and the owner keeps the remainder. Changes to a course's
shares are serialised by first updating the course row (a row lock on PostgreSQL, the
write lock on SQLite), so two concurrent invitations cannot both pass the 100 % check.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from lectern.courses.policy import Access, course_for
from lectern.courses.schemas import CoInstructorCreate, CoInstructorUpdate
from lectern.courses.service import log_if_admin
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseInstructor,
    CourseInstructorRole,
    InstructorProfile,
    InstructorProfileStatus,
    User,
    UserRole,
)

HUNDRED = Decimal(100)


async def _lock(session: AsyncSession, course: Course) -> None:
    """Serialise share changes of one course until the transaction ends."""
    await session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def _shares(session: AsyncSession, course: Course, *, but: int | None = None) -> Decimal:
    statement = select(func.sum(CourseInstructor.revenue_share)).where(
        CourseInstructor.course_id == course.id
    )
    if but is not None:
        statement = statement.where(CourseInstructor.id != but)
    total = await session.scalar(statement)
    return Decimal(total) if total is not None else Decimal(0)


def _check_total(others: Decimal, share: Decimal) -> None:
    if others + share > HUNDRED:
        raise InvalidInput(
            f"the co-instructors' shares would reach {others + share} %: at most 100 % "
            f"({HUNDRED - others} % left)",
            field="revenue_share",
        )


async def add(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: CoInstructorCreate
) -> CourseInstructor:
    course = await course_for(session, user, course_uuid, Access.OWNER)
    invitee = await session.scalar(
        select(User).where(User.uuid == data.user, User.deleted_at.is_(None))
    )
    if invitee is None:
        raise InvalidInput("no such user", field="user")
    if invitee.id == course.instructor_id:
        raise InvalidInput("the owner is already the course's instructor", field="user")
    approved = await session.scalar(
        select(InstructorProfile.id).where(
            InstructorProfile.user_id == invitee.id,
            InstructorProfile.status == InstructorProfileStatus.APPROVED,
            InstructorProfile.deleted_at.is_(None),
        )
    )
    if invitee.role != UserRole.INSTRUCTOR or approved is None:
        raise InvalidInput("only approved instructors can co-teach a course", field="user")
    await _lock(session, course)
    existing = await session.scalar(
        select(CourseInstructor.id).where(
            CourseInstructor.course_id == course.id, CourseInstructor.instructor_id == invitee.id
        )
    )
    if existing is not None:
        raise Conflict("this user already co-teaches the course", code="already_instructor")
    _check_total(await _shares(session, course), data.revenue_share)
    link = CourseInstructor(
        course_id=course.id,
        instructor_id=invitee.id,
        role=CourseInstructorRole(data.role),
        revenue_share=data.revenue_share,
    )
    link.instructor = invitee
    session.add(link)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            "this user already co-teaches the course", code="already_instructor"
        ) from None
    log_if_admin(
        session,
        user,
        course,
        "course.instructor_added",
        f"Added {invitee.username} to the course {course.title}",
        member=str(invitee.uuid),
        revenue_share=str(data.revenue_share),
    )
    return link


async def _link(session: AsyncSession, course: Course, user_uuid: uuid.UUID) -> CourseInstructor:
    link = await session.scalar(
        select(CourseInstructor)
        .join(CourseInstructor.instructor)
        .where(CourseInstructor.course_id == course.id, User.uuid == user_uuid)
        .options(joinedload(CourseInstructor.instructor))
    )
    if link is None:
        raise NotFound("this user is not a co-instructor of the course")
    return link


async def change(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    user_uuid: uuid.UUID,
    data: CoInstructorUpdate,
) -> CourseInstructor:
    course = await course_for(session, user, course_uuid, Access.OWNER)
    await _lock(session, course)
    link = await _link(session, course, user_uuid)
    if data.revenue_share is not None:
        _check_total(await _shares(session, course, but=link.id), data.revenue_share)
        link.revenue_share = data.revenue_share
    if data.role is not None:
        link.role = CourseInstructorRole(data.role)
    await session.flush()
    log_if_admin(
        session,
        user,
        course,
        "course.instructor_changed",
        f"Changed {link.instructor.username} on the course {course.title}",
        member=str(user_uuid),
        revenue_share=str(link.revenue_share),
    )
    return link


async def remove(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, user_uuid: uuid.UUID
) -> None:
    course = await course_for(session, user, course_uuid, Access.OWNER)
    link = await _link(session, course, user_uuid)
    await session.execute(delete(CourseInstructor).where(CourseInstructor.id == link.id))
    log_if_admin(
        session,
        user,
        course,
        "course.instructor_removed",
        f"Removed {link.instructor.username} from the course {course.title}",
        member=str(user_uuid),
    )
