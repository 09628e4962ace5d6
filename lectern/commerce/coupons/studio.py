"""Instructors' coupons: for courses they own, within a monthly allowance per course.

Each course may get `coupons.instructor_monthly_per_course` new coupons in a calendar month
(UTC), of them `coupons.instructor_free_monthly_per_course` free ones (settings, by default
3 and 2). The instructor's row is held first (PostgreSQL's FOR NO KEY UPDATE; SQLite has one
writer), so two creations at once cannot both take the last one.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.coupons import service
from lectern.commerce.coupons.schemas import CouponIn
from lectern.errors import Conflict, InvalidInput
from lectern.kit.types import utcnow
from lectern.models import Coupon, CouponType, Course, User
from lectern.platform.service import get_value


async def check_own_courses(session: AsyncSession, instructor: User, body: CouponIn) -> None:
    """422 ``not_your_course`` naming the field when a course is not the instructor's own."""
    for field in ("applicable_courses", "excluded_courses"):
        wanted = set(getattr(body, field))
        if not wanted:
            continue
        own = set(
            await session.scalars(
                select(Course.uuid).where(
                    Course.uuid.in_(wanted), Course.instructor_id == instructor.id
                )
            )
        )
        if wanted - own:
            raise InvalidInput(
                "an instructor's coupon is for courses they own",
                field=field,
                code="not_your_course",
            )


def _month_start(now: datetime) -> datetime:
    return datetime(now.year, now.month, 1, tzinfo=UTC)


async def check_allowance(
    session: AsyncSession,
    instructor: User,
    course_ids: list[int],
    kind: CouponType,
    coupon_id: int,
) -> None:
    """409 ``coupon_allowance_used`` when one of ``course_ids`` has had its coupons this month
    besides ``coupon_id`` (just written: the refusal rolls it back)."""
    this_month = await session.execute(
        select(Coupon.applicable_courses, Coupon.type).where(
            Coupon.instructor_id == instructor.id,
            Coupon.created_at >= _month_start(utcnow()),
            Coupon.id != coupon_id,
        )
    )
    every, free = Counter[int](), Counter[int]()
    for courses, coupon_type in this_month:
        every.update(courses or [])
        if coupon_type == CouponType.FREE:
            free.update(courses or [])
    allowed = int(await get_value(session, "coupons.instructor_monthly_per_course", 3))
    allowed_free = int(await get_value(session, "coupons.instructor_free_monthly_per_course", 2))
    for course_id in course_ids:
        if every[course_id] >= allowed or (
            kind == CouponType.FREE and free[course_id] >= allowed_free
        ):
            limit = allowed_free if kind == CouponType.FREE else allowed
            raise Conflict(
                f"a course may get {limit} {'free ' if kind == CouponType.FREE else ''}"
                "coupons a month; this one has had them",
                code="coupon_allowance_used",
                extra={"allowance": limit},
            )


async def _hold(session: AsyncSession, instructor: User) -> None:
    """Serialise the instructor's coupon changes: taken before the coupon row is written (its
    foreign key to the user would otherwise deadlock two creations)."""
    await session.execute(
        select(User.id).where(User.id == instructor.id).with_for_update(key_share=True)
    )


async def create(session: AsyncSession, instructor: User, body: CouponIn) -> Coupon:
    await check_own_courses(session, instructor, body)
    await _hold(session, instructor)
    coupon = await service.create_coupon(session, instructor, body, instructor_id=instructor.id)
    await check_allowance(
        session, instructor, coupon.applicable_courses or [], coupon.type, coupon.id
    )
    return coupon


async def replace(
    session: AsyncSession, instructor: User, coupon: Coupon, body: CouponIn
) -> Coupon:
    """New terms; courses it did not cover before count against their month's allowance."""
    await check_own_courses(session, instructor, body)
    await _hold(session, instructor)
    before = set(coupon.applicable_courses or [])
    coupon = await service.replace_coupon(session, coupon, body)
    added = [course for course in coupon.applicable_courses or [] if course not in before]
    await check_allowance(session, instructor, added, coupon.type, coupon.id)
    return coupon
