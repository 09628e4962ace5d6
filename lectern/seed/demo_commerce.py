"""The demo school's shop: a welcome coupon, and the first student's cart with a paid course
and the coupon applied."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from lectern.models import Cart, CartItem, Coupon, CouponType, Enrollment
from lectern.seed.seeder import DemoSeeder


async def carts(seeder: DemoSeeder) -> None:
    student = seeder.students[0]
    enrolled = set(
        await seeder.session.scalars(
            select(Enrollment.course_id).where(Enrollment.user_id == student.id)
        )
    )
    wanted = next(
        course
        for course in seeder.course_rows
        if course.price is not None and course.id not in enrolled
    )
    welcome = await seeder.get_or_add(
        Coupon,
        {"code": "WELCOME10"},
        name="Welcome: 10 % off",
        description="10 % off any course, once per student.",
        type=CouponType.PERCENTAGE,
        discount_value=Decimal(10),
        per_user_limit=1,
    )
    cart = await seeder.get_or_add(Cart, {"user_id": student.id}, coupon_id=welcome.id)
    await seeder.get_or_add(
        CartItem, {"cart_id": cart.id, "course_id": wanted.id}, price=wanted.price
    )
