"""What the database keeps: exact money, UTC times, unique keys, allowed values, delete rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Course,
    CourseSection,
    Enrollment,
    InstructorProfile,
    Lesson,
    Order,
    OrderItem,
    User,
)
from tests import factories


async def test_money_sums_exactly_over_many_rows(session: AsyncSession) -> None:
    instructor = await factories.create_user(session)
    # 0.10 and 19.99 have no exact binary float; summed 250 times each they must stay exact.
    prices = [Decimal("0.10"), Decimal("19.99"), Decimal("0.01"), Decimal("1234567.89")] * 250
    session.add_all(
        Course(instructor_id=instructor.id, title=f"C{i}", slug=f"money-{i}", price=price)
        for i, price in enumerate(prices)
    )
    await session.flush()
    where = Course.slug.like("money-%")
    total = await session.scalar(select(func.sum(Course.price)).where(where))
    assert total == sum(prices) == Decimal("308646997.50")
    assert isinstance(total, Decimal)
    stored = await session.scalars(select(Course.price).where(where).order_by(Course.id).limit(4))
    assert list(stored) == prices[:4]


async def test_money_sorts_by_value_not_by_text(session: AsyncSession) -> None:
    instructor = await factories.create_user(session)
    for slug, price in (("sort-a", "100.00"), ("sort-b", "9.99"), ("sort-c", "20.50")):
        await factories.create_course(session, instructor, slug=slug, price=Decimal(price))
    ordered = await session.scalars(
        select(Course.price).where(Course.slug.like("sort-%")).order_by(Course.price)
    )
    assert list(ordered) == [Decimal("9.99"), Decimal("20.50"), Decimal("100.00")]


async def test_money_rounds_half_up_to_the_cent_and_refuses_floats(session: AsyncSession) -> None:
    course = await factories.create_course(session, price=Decimal("10.005"))
    await session.refresh(course)
    assert course.price == Decimal("10.01")
    course.price = 10.5  # type: ignore[assignment]
    with pytest.raises(StatementError, match="floats"):
        await session.flush()


async def test_percentages_keep_two_places(session: AsyncSession) -> None:
    user = await factories.create_user(session)
    profile = InstructorProfile(user_id=user.id)
    session.add(profile)
    await session.flush()
    await session.refresh(profile)
    assert profile.commission_rate == Decimal("70.00")
    profile.commission_rate = Decimal("33.33")
    await session.flush()
    await session.refresh(profile)
    assert profile.commission_rate == Decimal("33.33")


async def test_timestamps_come_back_aware_and_in_utc(session: AsyncSession) -> None:
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=5)))
    user = await factories.create_user(session, last_login_at=moment)
    await session.refresh(user)
    assert user.last_login_at == moment
    assert user.last_login_at is not None
    assert user.last_login_at.tzinfo is not None
    assert user.last_login_at.utcoffset() == timedelta(0)
    assert user.created_at.tzinfo is not None
    user.last_login_at = datetime(2026, 3, 1, 12, 0)  # naive: ambiguous, refused
    with pytest.raises(StatementError, match="naive"):
        await session.flush()


async def test_one_enrollment_per_user_and_course(session: AsyncSession) -> None:
    student = await factories.create_user(session)
    course = await factories.create_course(session)
    await factories.create_enrollment(session, student, course)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await factories.create_enrollment(session, student, course)
    count = await session.scalar(select(func.count()).where(Enrollment.course_id == course.id))
    assert count == 1


async def test_emails_and_usernames_are_unique(session: AsyncSession) -> None:
    await factories.create_user(session, email="same@example.test")
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await factories.create_user(session, email="same@example.test")


async def test_enumerated_columns_refuse_unknown_values(session: AsyncSession) -> None:
    course = await factories.create_course(session)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.execute(
                text("UPDATE courses SET status = 'archived' WHERE id = :id"), {"id": course.id}
            )
    assert await session.scalar(select(Course.status).where(Course.id == course.id)) == "draft"


async def test_non_negative_durations(session: AsyncSession) -> None:
    section = await factories.create_section(session, await factories.create_course(session))
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await factories.create_lesson(session, section, duration_seconds=-1)


async def test_deleting_a_course_takes_its_curriculum(session: AsyncSession) -> None:
    course = await factories.create_course(session)
    section = await factories.create_section(session, course)
    await factories.create_lesson(session, section)
    await session.execute(delete(Course).where(Course.id == course.id))
    assert (
        await session.scalar(select(func.count()).where(CourseSection.course_id == course.id)) == 0
    )
    assert await session.scalar(select(func.count()).where(Lesson.course_id == course.id)) == 0


async def test_a_user_with_orders_cannot_be_deleted(session: AsyncSession) -> None:
    buyer = await factories.create_user(session)
    course = await factories.create_course(session, price=Decimal("20.00"))
    order = Order(
        user_id=buyer.id,
        order_number="ORD-TEST-1",
        subtotal=Decimal("20.00"),
        total=Decimal("20.00"),
    )
    session.add(order)
    await session.flush()
    session.add(
        OrderItem(
            order_id=order.id,
            course_id=course.id,
            instructor_id=course.instructor_id,
            course_title=course.title,
            price=Decimal("20.00"),
            final_price=Decimal("20.00"),
        )
    )
    await session.flush()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.execute(delete(User).where(User.id == buyer.id))
    assert await session.scalar(select(func.count()).where(Order.user_id == buyer.id)) == 1


async def test_deleting_a_lesson_keeps_the_enrollment_that_pointed_at_it(
    session: AsyncSession,
) -> None:
    student = await factories.create_user(session)
    course = await factories.create_course(session)
    lesson = await factories.create_lesson(session, await factories.create_section(session, course))
    enrollment = await factories.create_enrollment(
        session, student, course, last_lesson_id=lesson.id
    )
    await session.execute(delete(Lesson).where(Lesson.id == lesson.id))
    await session.refresh(enrollment)
    assert enrollment.last_lesson_id is None


async def test_uuids_are_assigned(session: AsyncSession) -> None:
    first = await factories.create_user(session)
    second = await factories.create_user(session)
    assert first.uuid != second.uuid
    assert first.created_at <= datetime.now(UTC)
