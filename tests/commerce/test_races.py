"""Parallel cart calls, each request committing on its own connection."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from sqlalchemy import select

from lectern.models import (
    Cart,
    CartItem,
    Coupon,
    Course,
    CoursePriceType,
    CourseStatus,
    InstructorProfile,
    InstructorProfileStatus,
    User,
    UserRole,
)
from tests.commerce.conftest import CART
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH


async def test_parallel_first_additions_make_one_cart(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    seller = User(
        name="S", username=f"s{n}", email=f"s{n}@x.test", password_hash=PASSWORD_HASH,
        role=UserRole.INSTRUCTOR,
    )  # fmt: skip
    buyer = User(name="B", username=f"b{n}", email=f"b{n}@x.test", password_hash=PASSWORD_HASH)
    await live.add(seller, buyer)
    courses = [
        Course(
            instructor_id=seller.id,
            title=f"C{i}",
            slug=f"race-cart-{i}-{n}",
            status=CourseStatus.PUBLISHED,
            is_published=True,
            is_approved=True,
            price_type=CoursePriceType.PAID,
            price=Decimal("10.00"),
        )
        for i in range(5)
    ]
    await live.add(*courses)

    answers = await asyncio.gather(
        *(
            live.client.post(
                f"{CART}/items", json={"course": str(course.uuid)}, headers=bearer(buyer)
            )
            for course in courses
        )
    )

    assert sorted(answer.status_code for answer in answers) == [201] * 5
    async with live.sessions() as session:
        carts = list(await session.scalars(select(Cart).where(Cart.user_id == buyer.id)))
        assert len(carts) == 1
        items = await session.scalars(
            select(CartItem.course_id).where(CartItem.cart_id == carts[0].id)
        )
        assert sorted(items) == sorted(course.id for course in courses)


async def test_parallel_coupon_creations_keep_to_the_monthly_allowance(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    seller = User(
        name="S", username=f"s{n}", email=f"s{n}@x.test", password_hash=PASSWORD_HASH,
        role=UserRole.INSTRUCTOR,
    )  # fmt: skip
    await live.add(seller)
    await live.add(InstructorProfile(user_id=seller.id, status=InstructorProfileStatus.APPROVED))
    course = Course(
        instructor_id=seller.id, title="C", slug=f"race-coupon-{n}", status=CourseStatus.PUBLISHED,
        is_published=True, is_approved=True, price_type=CoursePriceType.PAID,
        price=Decimal("10.00"),
    )  # fmt: skip
    await live.add(course)

    answers = await asyncio.gather(
        *(
            live.client.post(
                "/api/v1/studio/coupons",
                json={
                    "code": f"R{n}{i}",
                    "name": "Race",
                    "discount_value": "10",
                    "applicable_courses": [str(course.uuid)],
                },
                headers=bearer(seller),
            )
            for i in range(6)
        )
    )

    assert sorted(answer.status_code for answer in answers) == [201] * 3 + [409] * 3
    async with live.sessions() as session:
        made = list(await session.scalars(select(Coupon).where(Coupon.instructor_id == seller.id)))
        assert len(made) == 3
        for coupon in made:  # the coupons go before the user (RESTRICT would not matter)
            await session.delete(coupon)
        await session.commit()
