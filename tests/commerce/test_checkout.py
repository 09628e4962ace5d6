"""Checkout: the cart becomes an order priced at that moment; an order that costs nothing is
paid at once and grants its courses."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Cart,
    CartItem,
    Coupon,
    CouponType,
    CouponUsage,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    Order,
    OrderItem,
    OrderPaymentStatus,
    OrderStatus,
    User,
)
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import CART, on_sale
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user

CHECKOUT = "/api/v1/checkout"
ORDERS = "/api/v1/orders"


async def free_coupon(db: AsyncSession, code: str = "ONUS", **values: object) -> Coupon:
    coupon = Coupon(
        code=code, name="On us", type=CouponType.FREE, discount_value=Decimal(0), **values
    )
    db.add(coupon)
    await db.flush()
    return coupon


async def shop(
    client: httpx.AsyncClient, buyer: User, *courses: Course, code: str | None = None
) -> None:
    for course in courses:
        added = await client.post(
            f"{CART}/items", json={"course": str(course.uuid)}, headers=bearer(buyer)
        )
        assert added.status_code == 201, added.text
    if code:
        applied = await client.post(f"{CART}/coupon", json={"code": code}, headers=bearer(buyer))
        assert applied.status_code == 200, applied.text


async def counts(db: AsyncSession) -> tuple[int, int, int]:
    return (
        int(await db.scalar(select(func.count()).select_from(Order)) or 0),
        int(await db.scalar(select(func.count()).select_from(Enrollment)) or 0),
        int(await db.scalar(select(func.count()).select_from(CouponUsage)) or 0),
    )


async def test_an_order_that_costs_nothing_is_paid_and_grants_its_courses(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    second = await on_sale(db, seller, "20.00", title="Second")
    coupon = await free_coupon(db, usage_limit=10)
    await shop(client, buyer, course, second, code="ONUS")

    placed = await client.post(CHECKOUT, json={}, headers=bearer(buyer))

    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["status"], body["payment_status"], body["total"], body["coupon_code"]) == (
        "completed",
        "paid",
        "0.00",
        "ONUS",
    )
    assert (body["subtotal"], body["discount_amount"]) == ("69.99", "69.99")
    assert [(i["price"], i["discount"], i["final_price"]) for i in body["items"]] == [
        ("49.99", "49.99", "0.00"),
        ("20.00", "20.00", "0.00"),
    ]
    assert body["order_number"].startswith("LEC-")
    order = await db.scalar(select(Order).where(Order.uuid == uuid.UUID(body["uuid"])))
    assert order is not None
    enrollments = list(await db.scalars(select(Enrollment).where(Enrollment.user_id == buyer.id)))
    assert {(e.course_id, e.order_id, e.enrollment_type) for e in enrollments} == {
        (course.id, order.id, EnrollmentType.COUPON),
        (second.id, order.id, EnrollmentType.COUPON),
    }
    await db.refresh(coupon)
    assert coupon.used_count == 1
    usage = await db.scalar(select(CouponUsage).where(CouponUsage.order_id == order.id))
    assert usage is not None
    assert usage.discount_amount == Decimal("69.99")
    # The lines it bought left the cart, and the coupon with them.
    cart = await db.scalar(select(Cart).where(Cart.user_id == buyer.id))
    assert cart is not None
    assert cart.coupon_id is None
    assert await db.scalar(select(func.count()).where(CartItem.cart_id == cart.id)) == 0
    # The course opens.
    opened = await client.get(f"/api/v1/learn/{course.uuid}", headers=bearer(buyer))
    assert opened.status_code == 200, opened.text


async def test_an_order_that_costs_money_waits_for_its_payment(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await shop(client, buyer, course)

    placed = await client.post(CHECKOUT, json={}, headers=bearer(buyer))

    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["status"], body["payment_status"], body["total"]) == (
        "pending",
        "pending",
        "49.99",
    )
    assert body["payment_gateway"] == "sandbox"
    assert body["payment_url"] == f"http://localhost:8000/payments/sandbox/{body['uuid']}"
    assert body["items"][0]["discount"] == "0.00"
    # Nothing is granted yet, and the course stays in the cart until it is paid.
    assert await counts(db) == (1, 0, 0)
    cart = await client.get(CART, headers=bearer(buyer))
    assert [line["course"]["uuid"] for line in cart.json()["items"]] == [str(course.uuid)]


async def test_a_gateway_the_site_does_not_use_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await shop(client, buyer, course)

    refused = await client.post(CHECKOUT, json={"gateway": "manual"}, headers=bearer(buyer))

    assert_problem(refused, 422, "gateway_unavailable")
    assert await counts(db) == (0, 0, 0)


async def test_an_empty_cart_or_an_unbuyable_line_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    assert_problem(await client.post(CHECKOUT, json={}, headers=bearer(buyer)), 409, "cart_empty")
    await free_coupon(db)
    await shop(client, buyer, course, code="ONUS")
    course.status = CourseStatus.UNPUBLISHED
    await db.flush()

    refused = assert_problem(
        await client.post(CHECKOUT, json={}, headers=bearer(buyer)), 409, "cart_has_unbuyable"
    )

    assert refused["items"][0]["reason"] == "course_unavailable"
    assert await counts(db) == (0, 0, 0)


async def test_a_coupon_used_up_since_it_was_applied_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    coupon = await free_coupon(db, usage_limit=1)
    await shop(client, buyer, course, code="ONUS")
    coupon.used_count = 1
    await db.flush()

    assert_problem(
        await client.post(CHECKOUT, json={}, headers=bearer(buyer)), 422, "coupon_used_up"
    )
    await db.refresh(coupon)
    assert coupon.used_count == 1
    assert await counts(db) == (0, 0, 0)


async def test_a_refunded_course_is_bought_again_on_the_same_enrollment(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    old = await create_enrollment(
        db, buyer, course, status=EnrollmentStatus.REFUNDED, is_active=False
    )
    await free_coupon(db)
    await shop(client, buyer, course, code="ONUS")

    placed = await client.post(CHECKOUT, json={}, headers=bearer(buyer))

    assert placed.status_code == 201, placed.text
    rows = list(await db.scalars(select(Enrollment).where(Enrollment.user_id == buyer.id)))
    assert [row.id for row in rows] == [old.id]
    await db.refresh(old)
    assert (old.status, old.is_active, old.order_id is not None) == (
        EnrollmentStatus.ACTIVE,
        True,
        True,
    )


async def test_orders_are_their_buyers_own(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await free_coupon(db)
    await shop(client, buyer, course, code="ONUS")
    order_uuid = (await client.post(CHECKOUT, json={}, headers=bearer(buyer))).json()["uuid"]
    stranger = await create_user(db)

    mine = (await client.get(ORDERS, headers=bearer(buyer))).json()
    one = (await client.get(f"{ORDERS}/{order_uuid}", headers=bearer(buyer))).json()

    assert [o["uuid"] for o in mine["items"]] == [order_uuid]
    assert [i["course_title"] for i in one["items"]] == ["Python for Everyone"]
    assert (await client.get(ORDERS, headers=bearer(stranger))).json()["items"] == []
    assert_problem(
        await client.get(f"{ORDERS}/{order_uuid}", headers=bearer(stranger)), 404, "not_found"
    )
    line = await db.scalar(select(OrderItem))
    assert line is not None
    assert line.instructor_id == course.instructor_id
    order = await db.scalar(select(Order))
    assert order is not None
    assert (order.status, order.payment_status) == (
        OrderStatus.COMPLETED,
        OrderPaymentStatus.PAID,
    )
