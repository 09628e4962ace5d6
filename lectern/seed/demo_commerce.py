"""The demo school's shop: the first student has a paid course waiting in their cart."""

from __future__ import annotations

from sqlalchemy import select

from lectern.models import Cart, CartItem, Enrollment
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
    cart = await seeder.get_or_add(Cart, {"user_id": student.id})
    await seeder.get_or_add(
        CartItem, {"cart_id": cart.id, "course_id": wanted.id}, price=wanted.price
    )
