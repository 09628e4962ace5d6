"""The demo school's shop: a welcome coupon on the first student's cart, a scholarship the
second student has used, a course the third one bought and paid on the sandbox's pay page,
and one the fourth bought, asked back and was refunded (a credit note, the access gone), each
placed through the cart, checkout, payment and refund services themselves."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from lectern.commerce.cart import service as carts
from lectern.commerce.orders import service as orders
from lectern.commerce.payments import service as payments
from lectern.commerce.refunds import decisions
from lectern.commerce.refunds import service as refunds
from lectern.kit.client import Client
from lectern.models import Cart, CartItem, Coupon, CouponType, Course, Enrollment, Order, User
from lectern.seed import demo_content as content
from lectern.seed.seeder import DemoSeeder


async def _not_yet_theirs(seeder: DemoSeeder, student: User) -> Course:
    enrolled = set(
        await seeder.session.scalars(
            select(Enrollment.course_id).where(Enrollment.user_id == student.id)
        )
    )
    return next(
        course
        for course in seeder.course_rows
        if course.price is not None and course.id not in enrolled
    )


async def carts_and_orders(seeder: DemoSeeder) -> None:
    await _welcome_cart(seeder, seeder.students[0])
    await _scholarship(seeder, seeder.students[1])
    await _paid_on_the_sandbox(seeder, seeder.students[2], with_coupon=True)
    await _refunded(seeder, seeder.students[3])


async def _welcome_cart(seeder: DemoSeeder, student: User) -> None:
    wanted = await _not_yet_theirs(seeder, student)
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


async def _scholarship(seeder: DemoSeeder, student: User) -> None:
    session = seeder.session
    if await session.scalar(select(Order.id).where(Order.user_id == student.id)):
        return
    wanted = await _not_yet_theirs(seeder, student)
    await seeder.get_or_add(
        Coupon,
        {"code": "SCHOLARSHIP"},
        name="Scholarship",
        description="A free place for five students.",
        type=CouponType.FREE,
        discount_value=Decimal(0),
        usage_limit=5,
        per_user_limit=1,
    )
    shopper = carts.Shopper(student)
    await carts.add_item(session, shopper, wanted.uuid)
    await carts.apply_coupon(session, student, "SCHOLARSHIP")
    await orders.checkout(session, student)
    seeder.added["orders"] = seeder.added.get("orders", 0) + 1


async def _paid_on_the_sandbox(
    seeder: DemoSeeder, student: User, *, with_coupon: bool = False
) -> Order | None:
    """Cart, coupon, checkout (a pending order), and the pay page's "Pay" button: a signed
    sandbox event settled like a gateway's webhook (the course granted, the receipt mailed)."""
    session = seeder.session
    if await session.scalar(select(Order.id).where(Order.user_id == student.id)):
        return None
    wanted = await _not_yet_theirs(seeder, student)
    await carts.add_item(session, carts.Shopper(student), wanted.uuid)
    if with_coupon:
        await carts.apply_coupon(session, student, "WELCOME10")
    placed = await orders.checkout(session, student, "sandbox")
    await payments.sandbox_payment(session, placed.order, "succeeded")
    seeder.added["orders"] = seeder.added.get("orders", 0) + 1
    return placed.order


async def _refunded(seeder: DemoSeeder, student: User) -> None:
    """Bought on the sandbox, asked back the same day, approved by the admin."""
    bought = await _paid_on_the_sandbox(seeder, student)
    if bought is None:
        return
    session = seeder.session
    admin = await session.scalar(select(User).where(User.email == content.ADMIN[1]))
    assert admin is not None
    asked = await refunds.request(session, student, bought.uuid, None, "Not what I needed.")
    await decisions.approve(
        session, admin, Client(user_agent="lectern demo seed"), asked.refund.uuid, None
    )
    seeder.added["refunds"] = seeder.added.get("refunds", 0) + 1
