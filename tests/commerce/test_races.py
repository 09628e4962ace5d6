"""Parallel cart calls, each request committing on its own connection."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import sandbox
from lectern.models import (
    ActivityLog,
    Cart,
    CartItem,
    Coupon,
    CouponType,
    CouponUsage,
    Course,
    CoursePriceType,
    CourseStatus,
    CreditNote,
    Enrollment,
    IdempotencyKey,
    InstructorEarning,
    InstructorProfile,
    InstructorProfileStatus,
    Order,
    PaymentEvent,
    Refund,
    RefundStatus,
    User,
    UserRole,
)
from tests.commerce.conftest import CART
from tests.commerce.payments import WEBHOOK
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH


def person(tag: str, role: UserRole = UserRole.STUDENT) -> User:
    return User(
        name=tag, username=tag, email=f"{tag}@x.test", password_hash=PASSWORD_HASH, role=role
    )


async def forget_orders(session: AsyncSession, ids: list[int]) -> None:
    """Money records are kept on purpose (RESTRICT); a test removes the ones it made."""
    for model in (CreditNote, Refund, PaymentEvent, InstructorEarning, CouponUsage, Enrollment):
        await session.execute(delete(model).where(model.order_id.in_(ids)))
    await session.execute(delete(Order).where(Order.id.in_(ids)))
    await session.commit()


def on_sale(seller: User, slug: str) -> Course:
    """A published course at 10.00, to be committed with ``live.add``."""
    return Course(
        instructor_id=seller.id,
        title=slug,
        slug=slug,
        status=CourseStatus.PUBLISHED,
        is_published=True,
        is_approved=True,
        price_type=CoursePriceType.PAID,
        price=Decimal("10.00"),
    )


async def test_parallel_first_additions_make_one_cart(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    seller, buyer = person(f"s{n}", UserRole.INSTRUCTOR), person(f"b{n}")
    await live.add(seller, buyer)
    courses = [on_sale(seller, f"race-cart-{i}-{n}") for i in range(5)]
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
    seller = person(f"s{n}", UserRole.INSTRUCTOR)
    await live.add(seller)
    await live.add(InstructorProfile(user_id=seller.id, status=InstructorProfileStatus.APPROVED))
    course = on_sale(seller, f"race-coupon-{n}")
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


async def test_parallel_checkouts_take_no_more_coupon_uses_than_there_are(live: Live) -> None:
    """Twenty buyers with the coupon in their carts check out at once; it has three uses."""
    n = uuid.uuid4().hex[:8]
    seller = person(f"s{n}", UserRole.INSTRUCTOR)
    buyers = [person(f"b{i}{n}") for i in range(20)]
    await live.add(seller, *buyers)
    course = on_sale(seller, f"race-checkout-{n}")
    coupon = Coupon(
        code=f"THREE{n}".upper(), name="Three", type=CouponType.FREE, discount_value=Decimal(0),
        usage_limit=3,
    )  # fmt: skip
    await live.add(course, coupon)
    carts = [Cart(user_id=buyer.id, coupon_id=coupon.id) for buyer in buyers]
    await live.add(*carts)
    await live.add(
        *(CartItem(cart_id=cart.id, course_id=course.id, price=Decimal("10.00")) for cart in carts)
    )

    answers = await asyncio.gather(
        *(live.client.post("/api/v1/checkout", json={}, headers=bearer(b)) for b in buyers)
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * 3 + [422] * 17, [a.text for a in answers if a.status_code >= 500]
    assert all(
        a.json()["type"].endswith("/coupon_used_up") for a in answers if a.status_code == 422
    )
    async with live.sessions() as session:
        used = await session.scalar(select(Coupon.used_count).where(Coupon.id == coupon.id))
        orders = list(await session.scalars(select(Order).where(Order.coupon_id == coupon.id)))
        usages = await session.scalar(
            select(func.count()).select_from(CouponUsage).where(CouponUsage.coupon_id == coupon.id)
        )
        assert (used, len(orders), usages) == (3, 3, 3)
        # Money records are kept on purpose; this test removes what it made.
        ids = [order.id for order in orders]
        await session.execute(delete(CouponUsage).where(CouponUsage.order_id.in_(ids)))
        await session.execute(delete(Enrollment).where(Enrollment.order_id.in_(ids)))
        await session.execute(delete(Order).where(Order.id.in_(ids)))
        await session.commit()


async def test_parallel_retries_with_one_idempotency_key_place_one_order(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    seller, buyer = person(f"s{n}", UserRole.INSTRUCTOR), person(f"b{n}")
    await live.add(seller, buyer)
    course = on_sale(seller, f"race-key-{n}")
    coupon = Coupon(code=f"KEY{n}".upper(), name="K", type=CouponType.FREE, discount_value=0)
    await live.add(course, coupon)
    cart = Cart(user_id=buyer.id, coupon_id=coupon.id)
    await live.add(cart)
    await live.add(CartItem(cart_id=cart.id, course_id=course.id, price=Decimal("10.00")))
    headers = {**bearer(buyer), "Idempotency-Key": f"retry-{n}"}

    answers = await asyncio.gather(
        *(live.client.post("/api/v1/checkout", json={}, headers=headers) for _ in range(4))
    )

    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    placed = {a.json()["uuid"] for a in answers if a.status_code == 201}
    assert len(placed) == 1
    async with live.sessions() as session:
        mine = list(await session.scalars(select(Order).where(Order.user_id == buyer.id)))
        assert [str(order.uuid) for order in mine] == list(placed)
        ids = [order.id for order in mine]
        await session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == buyer.id))
        await session.execute(delete(CouponUsage).where(CouponUsage.order_id.in_(ids)))
        await session.execute(delete(Enrollment).where(Enrollment.order_id.in_(ids)))
        await session.execute(delete(Order).where(Order.id.in_(ids)))
        await session.commit()


async def test_one_buyers_parallel_checkouts_place_one_order(live: Live) -> None:
    """The same cart checked out ten times at once (a double click, a retry without a key)
    is bought once, and the coupon used once."""
    n = uuid.uuid4().hex[:8]
    seller, buyer = person(f"s{n}", UserRole.INSTRUCTOR), person(f"b{n}")
    await live.add(seller, buyer)
    course = on_sale(seller, f"race-twice-{n}")
    coupon = Coupon(code=f"ONCE{n}".upper(), name="O", type=CouponType.FREE, discount_value=0)
    await live.add(course, coupon)
    cart = Cart(user_id=buyer.id, coupon_id=coupon.id)
    await live.add(cart)
    await live.add(CartItem(cart_id=cart.id, course_id=course.id, price=Decimal("10.00")))

    answers = await asyncio.gather(
        *(live.client.post("/api/v1/checkout", json={}, headers=bearer(buyer)) for _ in range(10))
    )

    assert sorted(a.status_code for a in answers) == [201] + [409] * 9, [a.text for a in answers]
    # Each later checkout waited for the first and found the cart empty (none got as far as
    # granting the course a second time).
    refused = {a.json()["type"].rsplit("/", 1)[-1] for a in answers if a.status_code == 409}
    assert refused == {"cart_empty"}
    async with live.sessions() as session:
        mine = list(await session.scalars(select(Order).where(Order.user_id == buyer.id)))
        used = await session.scalar(select(Coupon.used_count).where(Coupon.id == coupon.id))
        assert (len(mine), used) == (1, 1)
        ids = [order.id for order in mine]
        await session.execute(delete(CouponUsage).where(CouponUsage.order_id.in_(ids)))
        await session.execute(delete(Enrollment).where(Enrollment.order_id.in_(ids)))
        await session.execute(delete(Order).where(Order.id.in_(ids)))
        await session.commit()


async def test_racing_deliveries_of_one_payment_settle_it_once(live: Live) -> None:
    """A gateway delivers one event five times at once (its retries overlapping)."""
    n = uuid.uuid4().hex[:8]
    seller, buyer = person(f"s{n}", UserRole.INSTRUCTOR), person(f"b{n}")
    await live.add(seller, buyer)
    course = on_sale(seller, f"race-webhook-{n}")
    await live.add(course)
    cart = Cart(user_id=buyer.id)
    await live.add(cart)
    await live.add(CartItem(cart_id=cart.id, course_id=course.id, price=Decimal("10.00")))
    placed = await live.client.post("/api/v1/checkout", json={}, headers=bearer(buyer))
    assert placed.status_code == 201, placed.text
    async with live.sessions() as session:
        order = await session.scalar(
            select(Order).where(Order.uuid == uuid.UUID(placed.json()["uuid"]))
        )
        assert order is not None
        body = sandbox.event_body(order, "succeeded")
    headers = {sandbox.SIGNATURE_HEADER: sandbox.sign(body), "Content-Type": "application/json"}

    answers = await asyncio.gather(
        *(live.client.post(WEBHOOK, content=body, headers=headers) for _ in range(5))
    )

    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    outcomes = sorted(a.json()["outcome"] for a in answers)
    assert outcomes == ["duplicate"] * 4 + ["handled"]
    async with live.sessions() as session:
        enrolled = list(
            await session.scalars(select(Enrollment).where(Enrollment.user_id == buyer.id))
        )
        recorded = await session.scalar(
            select(func.count()).select_from(PaymentEvent).where(PaymentEvent.order_id == order.id)
        )
        assert (len(enrolled), recorded) == (1, 1)
        await forget_orders(session, [order.id])


async def test_two_admins_approving_one_refund_at_once_refund_once(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    seller, buyer = person(f"s{n}", UserRole.INSTRUCTOR), person(f"b{n}")
    admins = [person(f"a{i}{n}", UserRole.ADMIN) for i in range(2)]
    await live.add(seller, buyer, *admins)
    course = on_sale(seller, f"race-refund-{n}")
    await live.add(course)
    cart = Cart(user_id=buyer.id)
    await live.add(cart)
    await live.add(CartItem(cart_id=cart.id, course_id=course.id, price=Decimal("10.00")))
    placed = await live.client.post("/api/v1/checkout", json={}, headers=bearer(buyer))
    order_uuid = uuid.UUID(placed.json()["uuid"])
    async with live.sessions() as session:
        order = await session.scalar(select(Order).where(Order.uuid == order_uuid))
        assert order is not None
        body = sandbox.event_body(order, "succeeded")
    headers = {sandbox.SIGNATURE_HEADER: sandbox.sign(body), "Content-Type": "application/json"}
    await live.client.post(WEBHOOK, content=body, headers=headers)
    asked = await live.client.post(
        f"/api/v1/orders/{order_uuid}/refund-requests", json={"reason": "x"}, headers=bearer(buyer)
    )
    assert asked.status_code == 201, asked.text
    approve = f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve"

    answers = await asyncio.gather(
        *(live.client.post(approve, json={}, headers=bearer(admin)) for admin in admins)
    )

    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    async with live.sessions() as session:
        refunds = list(await session.scalars(select(Refund).where(Refund.order_id == order.id)))
        assert [(r.status, r.amount) for r in refunds] == [
            (RefundStatus.PROCESSED, Decimal("10.00"))
        ]
        admin_ids = [admin.id for admin in admins]
        await session.execute(delete(ActivityLog).where(ActivityLog.causer_id.in_(admin_ids)))
        await forget_orders(session, [order.id])


async def test_orders_paid_at_once_get_invoice_numbers_without_gaps(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    seller = person(f"s{n}", UserRole.INSTRUCTOR)
    buyers = [person(f"b{i}{n}") for i in range(6)]
    await live.add(seller, *buyers)
    course = on_sale(seller, f"race-invoice-{n}")
    await live.add(course)
    carts = [Cart(user_id=buyer.id) for buyer in buyers]
    await live.add(*carts)
    await live.add(
        *(CartItem(cart_id=cart.id, course_id=course.id, price=Decimal("10.00")) for cart in carts)
    )
    bodies = []
    for buyer in buyers:
        placed = await live.client.post("/api/v1/checkout", json={}, headers=bearer(buyer))
        async with live.sessions() as session:
            order = await session.scalar(
                select(Order).where(Order.uuid == uuid.UUID(placed.json()["uuid"]))
            )
            assert order is not None
            bodies.append(sandbox.event_body(order, "succeeded"))

    answers = await asyncio.gather(
        *(
            live.client.post(
                WEBHOOK,
                content=body,
                headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)},
            )
            for body in bodies
        )
    )

    assert [a.json()["outcome"] for a in answers] == ["handled"] * 6
    async with live.sessions() as session:
        orders = list(
            await session.scalars(select(Order).where(Order.user_id.in_([b.id for b in buyers])))
        )
        numbers = sorted(int((o.invoice_number or "").rsplit("-", 1)[1]) for o in orders)
        assert numbers == list(range(numbers[0], numbers[0] + 6))
        await forget_orders(session, [o.id for o in orders])
