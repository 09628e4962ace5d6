"""Enrollments: the one way into a course, and the admin's switches on it.

``grant`` is the single function every module calls to give a user access to a course:
the free-enrollment route, instructor and admin grants, and later orders (type ``paid``),
coupons (``coupon``), bundles (``bundle``) and subscriptions (``subscription``)::

    granted = await enrollments.grant(
        session, user.id, course, EnrollmentType.PAID,
        order_id=order.id, price_paid=line.price, currency=order.currency,
    )

It flushes and never commits. Its rules:

- one row per user and course, also under parallel calls (INSERT .. ON CONFLICT DO NOTHING,
  then SELECT): a live enrollment (active or completed, not past ``expires_at``) is returned
  as it is (``created`` False), whatever the new grant;
- a lapsed one (expired, refunded; suspended only with ``reactivate_suspended``) is renewed
  in place: status active (completed when ``completed_at`` is set: progress is kept),
  ``is_active`` on, a new ``expires_at``, and the new grant's type, order, price and
  currency. ``enrolled_at`` stays the original: drip schedules count from it, so what had
  unlocked stays unlocked. ``renewed`` is True, ``created`` False;
- a purchase (``purchase``) over live access held for a while (a limited term, a
  subscription) makes the row the order's, with the course's term from today;
- a suspended one is 403 ``enrollment_suspended`` (an admin's suspension is lifted only by
  an admin, with /reactivate);
- a new enrollment needs the course's required prerequisites completed (403
  ``prerequisites_not_met`` listing them) unless ``check_prerequisites`` is False; renewals
  skip the check (the user was admitted before);
- ``access_type`` limited with ``access_days`` sets ``expires_at`` = now + days (also on
  renewal); ``total_lessons`` starts from ``course.total_lectures``;
- a new row adds one to ``courses.total_enrollments``, and to the owner's
  ``instructor_profiles.total_students`` when it is the user's first enrollment in any of
  the owner's courses; renewals change no counter;
- ``EnrollmentCreated`` is published for a new and for a renewed enrollment (access gained).

``refund(session, enrollment)`` is what the refunds module calls: status refunded,
``is_active`` off (409 when already refunded). Counters are not decremented: they count
enrollments ever made.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.courses.policy import Access, course_for
from lectern.errors import Conflict, Forbidden, NotFound
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import LIVE_STATUSES, is_live
from lectern.learning.events import EnrollmentCreated
from lectern.models import (
    Course,
    CourseAccessType,
    CoursePrerequisite,
    CoursePriceType,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    InstructorProfile,
    User,
    UserRole,
)
from lectern.platform.activity import ADMIN, log_activity
from lectern.platform.verification import require_verified
from lectern.security.actor import Actor

# log_name of grants made by instructors in the studio (admins' go under "admin").
STUDIO = "studio"


@dataclass(frozen=True)
class Granted:
    enrollment: Enrollment
    # A new row was inserted.
    created: bool
    # A lapsed enrollment (expired, refunded, suspended) was brought back to life.
    renewed: bool = False

    @property
    def gained_access(self) -> bool:
        return self.created or self.renewed


def expiry_for(course: Course, now: datetime) -> datetime | None:
    """When access granted ``now`` ends: ``access_days`` later for limited access, else never."""
    if course.access_type == CourseAccessType.LIMITED and course.access_days:
        return now + timedelta(days=course.access_days)
    return None


def live_clause(now: datetime) -> ColumnElement[bool]:
    """SQL for ``access.is_live``: the enrollment gives access at ``now``."""
    return and_(
        Enrollment.status.in_(LIVE_STATUSES),
        Enrollment.is_active.is_(True),
        Enrollment.deleted_at.is_(None),
        or_(Enrollment.expires_at.is_(None), Enrollment.expires_at > now),
    )


async def _load(session: AsyncSession, user_id: int, course_id: int) -> Enrollment | None:
    return await session.scalar(
        select(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
        .execution_options(populate_existing=True)
    )


async def missing_prerequisites(
    session: AsyncSession, user_id: int, course_id: int
) -> list[dict[str, str]]:
    """The required prerequisite courses the user has not completed (one statement).

    A prerequisite course that was deleted no longer blocks anyone."""
    completed = exists().where(
        Enrollment.user_id == user_id,
        Enrollment.course_id == CoursePrerequisite.prerequisite_course_id,
        Enrollment.status == EnrollmentStatus.COMPLETED,
        Enrollment.deleted_at.is_(None),
    )
    rows = await session.execute(
        select(Course.uuid, Course.slug, Course.title)
        .join(CoursePrerequisite, CoursePrerequisite.prerequisite_course_id == Course.id)
        .where(
            CoursePrerequisite.course_id == course_id,
            CoursePrerequisite.is_required.is_(True),
            Course.deleted_at.is_(None),
            ~completed,
        )
        .order_by(CoursePrerequisite.order, CoursePrerequisite.id)
    )
    return [{"uuid": str(row.uuid), "slug": row.slug, "title": row.title} for row in rows]


async def grant(
    session: AsyncSession,
    user_id: int,
    course: Course,
    enrollment_type: EnrollmentType,
    *,
    order_id: int | None = None,
    price_paid: Decimal = Decimal(0),
    currency: str | None = None,
    check_prerequisites: bool = True,
    reactivate_suspended: bool = False,
    purchase: bool = False,
    now: datetime | None = None,
) -> Granted:
    """Give ``user_id`` access to ``course`` (see the module's docstring for the rules)."""
    now = now or utcnow()
    currency = currency or course.currency
    existing = await _load(session, user_id, course.id)
    if existing is None:
        if check_prerequisites:
            missing = await missing_prerequisites(session, user_id, course.id)
            if missing:
                raise Forbidden(
                    "complete the required courses first: "
                    + ", ".join(item["title"] for item in missing),
                    code="prerequisites_not_met",
                    extra={"missing": missing},
                )
        inserted = await insert_ignore(
            session,
            Enrollment,
            {
                "user_id": user_id,
                "course_id": course.id,
                "enrollment_type": enrollment_type,
                "order_id": order_id,
                "price_paid": price_paid,
                "currency": currency,
                "enrolled_at": now,
                "expires_at": expiry_for(course, now),
                "is_active": True,
                "status": EnrollmentStatus.ACTIVE,
                "total_lessons": course.total_lectures,
            },
            conflict=["user_id", "course_id"],
        )
        existing = await _load(session, user_id, course.id)
        assert existing is not None  # inserted now, or by the parallel call that won
        if inserted:
            await _count_new(session, existing, course)
            await _announce(session, existing)
            return Granted(existing, created=True)
    return await _renew_or_keep(
        session,
        existing,
        course,
        enrollment_type,
        order_id=order_id,
        price_paid=price_paid,
        currency=currency,
        reactivate_suspended=reactivate_suspended,
        purchase=purchase,
        now=now,
    )


def _held_for_a_while(enrollment: Enrollment) -> bool:
    """Access that ends (a limited term) or lasts only as long as a subscription."""
    return (
        enrollment.expires_at is not None
        or enrollment.enrollment_type == EnrollmentType.SUBSCRIPTION
    )


async def _bought_outright(
    session: AsyncSession,
    enrollment: Enrollment,
    course: Course,
    enrollment_type: EnrollmentType,
    order_id: int | None,
    price_paid: Decimal,
    currency: str,
    now: datetime,
) -> Granted:
    """A purchase over access held for a while: the one enrollment row now belongs to the
    order, with the course's own term from today (lifetime for an unlimited course)."""
    await session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(
            enrollment_type=enrollment_type,
            order_id=order_id,
            price_paid=price_paid,
            currency=currency,
            expires_at=expiry_for(course, now),
        )
        .execution_options(synchronize_session=False)
    )
    fresh = await _load(session, enrollment.user_id, enrollment.course_id)
    assert fresh is not None
    return Granted(fresh, created=False, renewed=True)


async def _renew_or_keep(
    session: AsyncSession,
    enrollment: Enrollment,
    course: Course,
    enrollment_type: EnrollmentType,
    *,
    order_id: int | None,
    price_paid: Decimal,
    currency: str,
    reactivate_suspended: bool,
    purchase: bool,
    now: datetime,
) -> Granted:
    if is_live(enrollment, now):
        if purchase and _held_for_a_while(enrollment):
            return await _bought_outright(
                session, enrollment, course, enrollment_type, order_id, price_paid, currency, now
            )
        return Granted(enrollment, created=False)
    suspended = enrollment.status == EnrollmentStatus.SUSPENDED or (
        enrollment.status in LIVE_STATUSES and not enrollment.is_active
    )
    if suspended and not reactivate_suspended:
        raise Forbidden(
            "this enrollment is suspended; an administrator may reactivate it",
            code="enrollment_suspended",
        )
    values: dict[str, Any] = {
        "status": (
            EnrollmentStatus.COMPLETED
            if enrollment.completed_at is not None
            else EnrollmentStatus.ACTIVE
        ),
        "is_active": True,
        "deleted_at": None,
        "expires_at": expiry_for(course, now),
        "enrollment_type": enrollment_type,
        "order_id": order_id,
        "price_paid": price_paid,
        "currency": currency,
    }
    # Conditional on the state we saw: of two parallel renewals one wins, the other
    # finds the enrollment live again.
    result = await session.execute(
        update(Enrollment)
        .where(
            Enrollment.id == enrollment.id,
            Enrollment.status == enrollment.status,
            Enrollment.is_active == enrollment.is_active,
            ~live_clause(now),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    renewed = rowcount(result) == 1
    fresh = await _load(session, enrollment.user_id, enrollment.course_id)
    assert fresh is not None
    if renewed:
        await _announce(session, fresh)
    return Granted(fresh, created=False, renewed=renewed)


async def _count_new(session: AsyncSession, enrollment: Enrollment, course: Course) -> None:
    """The counters a new enrollment moves, atomically."""
    await session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(total_enrollments=Course.total_enrollments + 1)
        .execution_options(synchronize_session=False)
    )
    # A student of the owner already? (any other enrollment in any of the owner's courses)
    seen_before = select(
        exists().where(
            Enrollment.user_id == enrollment.user_id,
            Enrollment.id != enrollment.id,
            Enrollment.course_id.in_(
                select(Course.id).where(Course.instructor_id == course.instructor_id)
            ),
        )
    )
    if await session.scalar(seen_before):
        return
    profile = (
        update(InstructorProfile)
        .where(InstructorProfile.user_id == course.instructor_id)
        .execution_options(synchronize_session=False)
    )
    counted = await session.execute(
        profile.values(total_students=InstructorProfile.total_students + 1)
    )
    if rowcount(counted) == 0:
        return  # an owner without a profile (an admin's course)
    # The UPDATE holds the profile's row lock until commit, so a parallel first enrollment
    # of the same student in another of the owner's courses waits here; once it may go
    # on, this fresh statement sees the other one, and takes its +1 back.
    if await session.scalar(seen_before):
        await session.execute(profile.values(total_students=InstructorProfile.total_students - 1))


async def _announce(session: AsyncSession, enrollment: Enrollment) -> None:
    await events.publish(
        session,
        EnrollmentCreated(
            enrollment_id=enrollment.id,
            user_id=enrollment.user_id,
            course_id=enrollment.course_id,
            enrollment_type=enrollment.enrollment_type.value,
        ),
    )


# -- admin switches ---------------------------------------------------------------------------


async def _transition(
    session: AsyncSession,
    enrollment: Enrollment,
    allowed: Any,
    values: dict[str, Any],
    action: str,
) -> Enrollment:
    """A conditional UPDATE from the ``allowed`` states; 409 ``wrong_status`` otherwise."""
    result = await session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, allowed)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    fresh = await _load(session, enrollment.user_id, enrollment.course_id)
    assert fresh is not None
    if rowcount(result) == 0:
        raise Conflict(
            f"an enrollment that is {_shown_status(fresh)} cannot be {action}",
            code="wrong_status",
            extra={"enrollment_status": _shown_status(fresh)},
        )
    return fresh


def _shown_status(enrollment: Enrollment) -> str:
    if enrollment.status in LIVE_STATUSES and not enrollment.is_active:
        return EnrollmentStatus.SUSPENDED.value
    return enrollment.status.value


async def suspend(session: AsyncSession, enrollment: Enrollment) -> Enrollment:
    """Active or completed → suspended (no access until reactivated)."""
    return await _transition(
        session,
        enrollment,
        Enrollment.status.in_(LIVE_STATUSES) & Enrollment.is_active.is_(True),
        {"status": EnrollmentStatus.SUSPENDED, "is_active": False},
        "suspended",
    )


async def reactivate(session: AsyncSession, enrollment: Enrollment) -> Enrollment:
    """Suspended → completed when it had been completed (``completed_at``), else active."""
    status = (
        EnrollmentStatus.COMPLETED
        if enrollment.completed_at is not None
        else EnrollmentStatus.ACTIVE
    )
    return await _transition(
        session,
        enrollment,
        or_(
            Enrollment.status == EnrollmentStatus.SUSPENDED,
            Enrollment.status.in_(LIVE_STATUSES) & Enrollment.is_active.is_(False),
        ),
        {"status": status, "is_active": True},
        "reactivated",
    )


async def refund(session: AsyncSession, enrollment: Enrollment) -> Enrollment:
    """Any state but refunded → refunded: access ends (the refunds module calls this)."""
    return await _transition(
        session,
        enrollment,
        Enrollment.status != EnrollmentStatus.REFUNDED,
        {"status": EnrollmentStatus.REFUNDED, "is_active": False},
        "refunded",
    )


# -- expiry -------------------------------------------------------------------------------------


async def expire_due(
    session: AsyncSession,
    now: datetime | None = None,
    *,
    user_id: int | None = None,
    course_id: int | None = None,
    enrollment_uuid: uuid.UUID | None = None,
) -> int:
    """Turn every live enrollment past its ``expires_at`` into expired (one UPDATE, safe to
    run twice); optionally only one user's, one course's or one enrollment. Rows changed."""
    statement = update(Enrollment).where(
        Enrollment.status.in_(LIVE_STATUSES),
        Enrollment.expires_at.is_not(None),
        Enrollment.expires_at <= (now or utcnow()),
    )
    if user_id is not None:
        statement = statement.where(Enrollment.user_id == user_id)
    if course_id is not None:
        statement = statement.where(Enrollment.course_id == course_id)
    if enrollment_uuid is not None:
        statement = statement.where(Enrollment.uuid == enrollment_uuid)
    result = await session.execute(
        statement.values(status=EnrollmentStatus.EXPIRED, is_active=False).execution_options(
            synchronize_session=False
        )
    )
    return rowcount(result)


# -- the routes' flows ------------------------------------------------------------------------


def is_free(course: Course) -> bool:
    return course.price_type == CoursePriceType.FREE or (
        course.price is not None and course.price == 0
    )


async def enroll_free(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Granted:
    """A learner enrolls in a free, published and approved course (404 for any other course).

    A course that is not free is 403 ``course_not_free``, unless the learner already has a
    live enrollment in it (bought earlier): that one is returned, so the call stays idempotent.
    """
    course = await session.scalar(
        select(Course).where(
            Course.uuid == course_uuid,
            Course.deleted_at.is_(None),
            Course.status == CourseStatus.PUBLISHED,
            Course.is_approved.is_(True),
        )
    )
    if course is None:
        raise NotFound("no such course")
    await require_verified(session, user, "enroll")
    if not is_free(course):
        existing = await _load(session, user.id, course.id)
        if existing is not None and is_live(existing, utcnow()):
            return Granted(existing, created=False)
        raise Forbidden("this course is not free: buy it to enroll", code="course_not_free")
    return await grant(session, user.id, course, EnrollmentType.FREE, currency=course.currency)


async def grant_by_staff(
    session: AsyncSession, actor: Actor, course_uuid: uuid.UUID, target: str, kind: str
) -> tuple[Granted, User]:
    """An instructor of the course (type gifted) or an admin (gifted or admin) enrolls a user,
    given by uuid or e-mail. Prerequisites are not checked: staff decide. Any course status."""
    staff = actor.user
    course = await course_for(session, staff, course_uuid, Access.CONTENT)
    enrollment_type = EnrollmentType(kind)
    if enrollment_type == EnrollmentType.ADMIN and staff.role != UserRole.ADMIN:
        raise Forbidden("only administrators grant admin enrollments", code="admin_only")
    column = User.email if "@" in target else User.uuid
    key: object = target if "@" in target else uuid.UUID(target)
    user = await session.scalar(select(User).where(column == key, User.deleted_at.is_(None)))
    if user is None:
        raise NotFound("no such user", code="user_not_found")
    granted = await grant(session, user.id, course, enrollment_type, check_prerequisites=False)
    if granted.gained_access:
        log_activity(
            session,
            log_name=ADMIN if staff.role == UserRole.ADMIN else STUDIO,
            event="enrollment.granted",
            description=f"Enrolled {user.username} in {course.slug} ({enrollment_type.value})",
            causer=staff,
            subject=granted.enrollment,
            properties={
                "type": enrollment_type.value,
                "course": str(course.uuid),
                "user": str(user.uuid),
                "renewed": granted.renewed,
            },
            client=actor.client,
        )
    return granted, user


_ACTIONS = {"suspend": suspend, "reactivate": reactivate, "refund": refund}
_DONE = {"suspend": "suspended", "reactivate": "reactivated", "refund": "refunded"}


async def admin_action(
    session: AsyncSession,
    actor: Actor,
    enrollment_uuid: uuid.UUID,
    action: str,
    *,
    reason: str | None = None,
) -> Enrollment:
    """suspend | reactivate | refund an enrollment, logged in the activity log."""
    enrollment = await session.scalar(
        select(Enrollment).where(
            Enrollment.uuid == enrollment_uuid, Enrollment.deleted_at.is_(None)
        )
    )
    if enrollment is None:
        raise NotFound("no such enrollment")
    previous = _shown_status(enrollment)
    fresh = await _ACTIONS[action](session, enrollment)
    log_activity(
        session,
        log_name=ADMIN,
        event=f"enrollment.{_DONE[action]}",
        description=f"{_DONE[action].capitalize()} enrollment {fresh.uuid}"
        + (f": {reason}" if reason else ""),
        causer=actor.user,
        subject=fresh,
        properties={"previous_status": previous, "status": fresh.status.value, "reason": reason},
        client=actor.client,
    )
    await session.flush()
    return fresh
