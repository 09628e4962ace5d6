"""Who may take a course: the one place that decides entitlement to its content.

- Staff — admins, the course's owner and co-instructors — may open everything.
- A student may while their enrollment is live: status active or completed, ``is_active``,
  not deleted, and ``expires_at`` (if any) still ahead. An enrollment found past its
  ``expires_at`` is turned ``expired`` on the spot (the periodic job does the same in bulk).
- Anyone else may open only free-preview lessons.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Forbidden, NotFound
from lectern.kit.prebuilt import Prebuilt, loaded
from lectern.kit.types import utcnow
from lectern.learning import drip
from lectern.models import (
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    User,
    UserRole,
)

LIVE_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


class Standing(enum.StrEnum):
    STAFF = "staff"
    ENROLLED = "enrolled"
    NONE = "none"


@dataclass(frozen=True)
class CourseAccess:
    """What a user may do with a course's content, and the enrollment it rests on."""

    standing: Standing
    enrollment: Enrollment | None = None
    # Why a user with an enrollment has no access: expired, refunded, suspended.
    lapsed: EnrollmentStatus | None = None
    # True when this check turned the enrollment expired: a refusal must keep that.
    expired_now: bool = False

    @property
    def entitled(self) -> bool:
        return self.standing is not Standing.NONE

    def require(self) -> None:
        """403 with the reason unless entitled."""
        if self.entitled:
            return
        if self.lapsed is not None:
            raise Forbidden(
                f"your enrollment in this course is {self.lapsed.value}",
                code=f"enrollment_{self.lapsed.value}",
                keep_changes=self.expired_now,
            )
        raise Forbidden("enroll in this course to open its lessons", code="not_enrolled")


def is_live(enrollment: Enrollment, now: datetime) -> bool:
    return (
        enrollment.status in LIVE_STATUSES
        and enrollment.is_active
        and enrollment.deleted_at is None
        and (enrollment.expires_at is None or enrollment.expires_at > now)
    )


# The statements every learner request runs: prebuilt, the course and the enrollment
# read as rows and made ORM instances without the ORM's loading (kit.prebuilt.loaded).
_IS_CO_INSTRUCTOR = Prebuilt(
    select(
        exists().where(
            CourseInstructor.course_id == bindparam("course_id"),
            CourseInstructor.instructor_id == bindparam("user_id"),
        )
    )
)
_ENROLLMENT_OF = Prebuilt(
    select(Enrollment.__table__).where(
        Enrollment.user_id == bindparam("user_id"),
        Enrollment.course_id == bindparam("course_id"),
        Enrollment.deleted_at.is_(None),
    )
)
# A learner request's course, whether the user co-teaches it and their enrollment in it, in
# one statement: the enrollment's columns prefixed so they do not meet the course's.
_COURSE_KEYS = tuple(column.name for column in Course.__table__.columns)
_ENROLLMENT_KEYS = tuple(column.name for column in Enrollment.__table__.columns)
_COURSE_AND_STANDING = Prebuilt(
    select(
        Course.__table__,
        exists()
        .where(
            CourseInstructor.course_id == Course.id,
            CourseInstructor.instructor_id == bindparam("user_id"),
        )
        .label("is_co_instructor"),
        *(column.label(f"enrollment_{column.name}") for column in Enrollment.__table__.columns),
    )
    .outerjoin(
        Enrollment.__table__,
        and_(
            Enrollment.course_id == Course.id,
            Enrollment.user_id == bindparam("user_id"),
            Enrollment.deleted_at.is_(None),
        ),
    )
    .where(Course.uuid == bindparam("course_uuid"), Course.deleted_at.is_(None))
)


def _owns_or_administers(user: User, course: Course) -> bool:
    return user.role == UserRole.ADMIN or course.instructor_id == user.id


async def is_staff(session: AsyncSession, user: User, course: Course) -> bool:
    """Admin, owner or co-instructor of ``course`` (at most one statement)."""
    if _owns_or_administers(user, course):
        return True
    return bool(await _IS_CO_INSTRUCTOR.scalar(session, course_id=course.id, user_id=user.id))


async def expire(session: AsyncSession, enrollment: Enrollment) -> None:
    """Turn a live enrollment past its ``expires_at`` into ``expired`` (conditional UPDATE)."""
    await session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.status.in_(LIVE_STATUSES))
        .values(status=EnrollmentStatus.EXPIRED, is_active=False)
        .execution_options(synchronize_session=False)
    )
    enrollment.status = EnrollmentStatus.EXPIRED
    enrollment.is_active = False


async def enrollment_of(session: AsyncSession, user_id: int, course_id: int) -> Enrollment | None:
    """The user's enrollment in the course, whatever its status (None if never enrolled)."""
    row = await _ENROLLMENT_OF.first(session, user_id=user_id, course_id=course_id)
    return None if row is None else loaded(session, Enrollment, row)


async def course_access(
    session: AsyncSession, user: User | None, course: Course, now: datetime | None = None
) -> CourseAccess:
    """The user's standing in ``course`` (at most two statements, three when it expires)."""
    if user is None:
        return CourseAccess(Standing.NONE)
    if await is_staff(session, user, course):
        return CourseAccess(Standing.STAFF, await enrollment_of(session, user.id, course.id))
    return await _student_access(session, await enrollment_of(session, user.id, course.id), now)


async def _student_access(
    session: AsyncSession, enrollment: Enrollment | None, now: datetime | None
) -> CourseAccess:
    """The standing an enrollment (or none) gives someone not on the course's staff; an
    enrollment found past its end is turned expired (one statement)."""
    if enrollment is None:
        return CourseAccess(Standing.NONE)
    now = now or utcnow()
    expired_now = (
        enrollment.status in LIVE_STATUSES
        and enrollment.expires_at is not None
        and enrollment.expires_at <= now
    )
    if expired_now:
        await expire(session, enrollment)
    if is_live(enrollment, now):
        return CourseAccess(Standing.ENROLLED, enrollment)
    lapsed = enrollment.status if enrollment.status not in LIVE_STATUSES else None
    # A live status with is_active off is an enrollment switched off by hand: suspended.
    return CourseAccess(
        Standing.NONE, enrollment, lapsed or EnrollmentStatus.SUSPENDED, expired_now
    )


# -- the course and lesson a learner asks for -------------------------------------------------


async def learner_course(
    session: AsyncSession, user: User | None, course_uuid: uuid.UUID
) -> tuple[Course, CourseAccess]:
    """The course and the user's standing in it; 404 when the user may not see it at all.

    A published, approved course is visible to everyone; an unpublished one only to its
    staff and to users enrolled in it (students keep what they enrolled in). One statement,
    two when it finds the enrollment past its end.
    """
    row = await _COURSE_AND_STANDING.first(
        session, course_uuid=course_uuid, user_id=user.id if user is not None else None
    )
    if row is None:
        raise NotFound("no such course")
    course = loaded(session, Course, {key: row[key] for key in _COURSE_KEYS})
    enrollment = None
    if row["enrollment_id"] is not None:
        fields = {key: row[f"enrollment_{key}"] for key in _ENROLLMENT_KEYS}
        enrollment = loaded(session, Enrollment, fields)
    if user is None:
        access = CourseAccess(Standing.NONE)
    elif _owns_or_administers(user, course) or row["is_co_instructor"]:
        access = CourseAccess(Standing.STAFF, enrollment)
    else:
        access = await _student_access(session, enrollment, None)
    public = course.status == CourseStatus.PUBLISHED and course.is_approved
    if not public and access.standing is not Standing.STAFF and access.enrollment is None:
        raise NotFound("no such course")
    return course, access


async def lesson_plan(
    session: AsyncSession,
    course: Course,
    access: CourseAccess,
    now: datetime | None = None,
    *,
    curriculum: drip.Curriculum | None = None,
) -> drip.Plan:
    """The drip plan of ``course`` for this user (three statements, one when ``curriculum``
    is given; one less without an enrollment).

    Staff see everything open; a user with no enrollment gets the plan of someone enrolling
    now (never the staff's "everything open")."""
    now = now or utcnow()
    if curriculum is None:
        curriculum = await drip.load_curriculum(session, course.id, course.drip_content)
    enrollment = access.enrollment
    completed = (
        await drip.completed_lesson_ids(session, enrollment.id) if enrollment is not None else set()
    )
    enrolled_at: datetime | None
    if access.standing is Standing.STAFF:
        enrolled_at = None
    elif enrollment is None:
        enrolled_at = now
    else:
        enrolled_at = enrollment.enrolled_at
    return drip.plan(curriculum, enrolled_at=enrolled_at, completed=completed, now=now)


def require_open(plan: drip.Plan, lesson_id: int) -> drip.LessonRow:
    """The lesson if it is open to the user in ``plan``; else 403 ``lesson_locked`` saying why
    (``reason``, ``unlocks_at`` for a date, ``after_lesson`` / ``after_section`` to complete)."""
    lesson = next((row for row in plan.curriculum.lessons if row.id == lesson_id), None)
    if lesson is None:
        raise NotFound("no such lesson in this course")
    state = plan.lessons[lesson_id]
    if state.state is not drip.State.LOCKED:
        return lesson
    raise Forbidden(
        _locked_sentence(plan, state),
        code="lesson_locked",
        extra=lock_details(plan, state),
    )


def lock_details(plan: drip.Plan, state: drip.ItemState) -> dict[str, object]:
    """The machine-readable lock of a lesson or section (for 403s and outlines)."""
    uuids = {row.id: row.uuid for row in plan.curriculum.lessons}
    first = state.locks[0] if state.locks else None
    return {
        "reason": first.reason.value if first else None,
        "unlocks_at": state.unlocks_at.isoformat() if state.unlocks_at else None,
        "after_lesson": next(
            (str(uuids[lock.after_lesson_id]) for lock in state.locks if lock.after_lesson_id),
            None,
        ),
        "after_section": next(
            (lock.after_section_id for lock in state.locks if lock.after_section_id), None
        ),
    }


def _locked_sentence(plan: drip.Plan, state: drip.ItemState) -> str:
    titles = {row.id: row.title for row in plan.curriculum.lessons}
    sections = {row.id: row.title for row in plan.curriculum.sections}
    for lock in state.locks:
        if lock.reason is drip.LockReason.LOCKED_BY_INSTRUCTOR:
            return "this lesson is locked by the instructor"
        if lock.after_lesson_id is not None:
            return f"complete the lesson {titles.get(lock.after_lesson_id, '')!r} first"
        if lock.after_section_id is not None:
            return f"complete the section {sections.get(lock.after_section_id, '')!r} first"
    opens = state.unlocks_at
    return f"this lesson unlocks on {opens.isoformat()}" if opens else "this lesson is locked"
