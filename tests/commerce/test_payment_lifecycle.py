"""What becomes of an order around its payment: it expires unpaid, a later checkout replaces
it, a payment arrives too late, an admin records a bank transfer, a purchase over access
held for a while."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.orders.fulfilment import expire_overdue
from lectern.config import PaymentSettings, payment_settings
from lectern.kit.types import utcnow
from lectern.models import (
    Coupon,
    CouponType,
    CouponUsage,
    Course,
    CourseAccessType,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    Order,
    OrderPaymentStatus,
    OrderStatus,
    Refund,
    RefundStatus,
    SettingType,
    User,
)
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import on_sale
from tests.commerce.payments import deliver, event, order, place
from tests.conftest import bearer
from tests.factories import create_enrollment
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting


async def limited_coupon(db: AsyncSession, uses: int = 1) -> Coupon:
    coupon = Coupon(
        code="HALF", name="Half", type=CouponType.PERCENTAGE, discount_value=Decimal(50),
        usage_limit=uses,
    )  # fmt: skip
    db.add(coupon)
    await db.flush()
    return coupon


async def age(db: AsyncSession, placed: Order, minutes: int) -> None:
    await db.execute(
        update(Order)
        .where(Order.id == placed.id)
        .values(created_at=utcnow() - timedelta(minutes=minutes))
    )


# -- unpaid orders close ---------------------------------------------------------------------


async def test_an_unpaid_order_expires_and_gives_its_coupon_use_back(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    coupon = await limited_coupon(db)
    await create_setting(db, "orders.pending_minutes", 30, SettingType.INTEGER)
    placed = await place(client, db, buyer, course, code="HALF")
    await age(db, placed, 31)
    fresh_buyer_order = await place(client, db, await other_buyer(db), course)

    assert await expire_overdue(db) == 1

    placed = await order(db, placed.uuid)
    assert (placed.status, placed.payment_status) == (
        OrderStatus.CANCELLED,
        OrderPaymentStatus.FAILED,
    )
    assert placed.notes == "expired unpaid"
    assert (await order(db, fresh_buyer_order.uuid)).status == OrderStatus.PENDING
    await db.refresh(coupon)
    assert coupon.used_count == 0
    assert await db.scalar(select(func.count()).select_from(CouponUsage)) == 0
    assert await expire_overdue(db) == 0  # nothing twice


async def other_buyer(db: AsyncSession) -> User:
    from tests.factories import create_user

    return await create_user(db, name="Other Buyer")


async def test_a_new_checkout_closes_the_buyers_unpaid_order(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    coupon = await limited_coupon(db)
    first = await place(client, db, buyer, course, code="HALF")
    # The cart keeps its coupon until it is paid; the use the unpaid order holds is the
    # buyer's own, so the cart still counts on it.
    cart = (await client.get("/api/v1/cart", headers=bearer(buyer))).json()
    assert (cart["discount"], cart["coupon_problem"]) == ("25.00", None)

    second = await place(client, db, buyer)

    assert (await order(db, first.uuid)).status == OrderStatus.CANCELLED
    assert (second.status, second.total) == (OrderStatus.PENDING, Decimal("24.99"))
    await db.refresh(coupon)
    assert coupon.used_count == 1  # the first use went back, the second took it
    usages = list(await db.scalars(select(CouponUsage.order_id)))
    assert usages == [second.id]


# -- a payment after the order closed --------------------------------------------------------


async def test_a_payment_after_the_order_expired_is_honoured_when_it_can_be(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    coupon = await limited_coupon(db)
    placed = await place(client, db, buyer, course, code="HALF")
    await age(db, placed, 61)
    await expire_overdue(db)
    await db.refresh(coupon)
    assert coupon.used_count == 0

    paid = await deliver(client, event(placed))

    assert paid.json()["outcome"] == "handled"
    placed = await order(db, placed.uuid)
    assert (placed.status, placed.payment_status) == (
        OrderStatus.COMPLETED,
        OrderPaymentStatus.PAID,
    )
    assert placed.notes == "paid after it had closed; honoured"
    enrollment = await db.scalar(select(Enrollment).where(Enrollment.user_id == buyer.id))
    assert enrollment is not None
    assert enrollment.order_id == placed.id
    await db.refresh(coupon)
    assert coupon.used_count == 1  # the coupon use was taken again


async def test_a_late_payment_for_a_course_bought_since_is_refunded(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = await place(client, db, buyer, course)
    second = await place(client, db, buyer)  # closes the first
    await deliver(client, event(second))

    late = await deliver(client, event(first))

    assert late.json()["outcome"] == "handled"
    first = await order(db, first.uuid)
    assert (first.status, first.payment_status) == (
        OrderStatus.REFUNDED,
        OrderPaymentStatus.REFUNDED,
    )
    refund = await db.scalar(select(Refund).where(Refund.order_id == first.id))
    assert refund is not None
    assert (refund.amount, refund.status) == (Decimal("49.99"), RefundStatus.PROCESSED)
    assert refund.transaction_id is not None
    assert refund.transaction_id.startswith("sbx_re_")
    assert "has one of its courses for life already" in (refund.reason or "")
    assert "was paid late and refunded" in caplog.text
    enrollment = await db.scalar(select(Enrollment).where(Enrollment.user_id == buyer.id))
    assert enrollment is not None
    assert enrollment.order_id == second.id


async def test_a_late_payment_whose_coupon_ran_out_is_refunded(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await limited_coupon(db)
    placed = await place(client, db, buyer, course, code="HALF")
    await age(db, placed, 61)
    await expire_overdue(db)
    await place(client, db, await other_buyer(db), course, code="HALF")  # takes the one use

    await deliver(client, event(placed))

    placed = await order(db, placed.uuid)
    assert placed.status == OrderStatus.REFUNDED
    assert placed.notes == "paid late and refunded automatically: its coupon has been used up since"
    assert await db.scalar(select(func.count()).where(Enrollment.user_id == buyer.id)) == 0


# -- bank transfers --------------------------------------------------------------------------


@pytest.fixture
def transfers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LECTERN_PAYMENT_GATEWAYS", '["sandbox", "manual"]')
    payment_settings.cache_clear()
    yield
    payment_settings.cache_clear()


async def test_an_admin_records_the_transfer_that_paid_an_order(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course, transfers: None
) -> None:
    admin = await create_admin(db)
    placed = await place(client, db, buyer, course, gateway="manual")
    assert (placed.payment_gateway, placed.payment_details) == ("manual", None)
    url = f"/api/v1/admin/orders/{placed.uuid}/transfer"

    by_student = await client.post(url, json={"reference": "X"}, headers=bearer(buyer))
    recorded = await client.post(url, json={"reference": "BANK-123"}, headers=bearer(admin))
    again = await client.post(url, json={"reference": "BANK-123"}, headers=bearer(admin))

    assert_problem(by_student, 403, "admin_only")
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["status"] == "completed"
    assert recorded.json()["transaction_id"] == "BANK-123"
    assert_problem(again, 409, "order_paid_already")
    enrollment = await db.scalar(select(Enrollment).where(Enrollment.user_id == buyer.id))
    assert enrollment is not None
    assert enrollment.enrollment_type == EnrollmentType.PAID


async def test_only_a_transfer_order_is_marked_paid_by_hand(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course, transfers: None
) -> None:
    admin = await create_admin(db)
    placed = await place(client, db, buyer, course)  # the sandbox, the site's first gateway

    refused = await client.post(
        f"/api/v1/admin/orders/{placed.uuid}/transfer",
        json={"reference": "BANK-1"},
        headers=bearer(admin),
    )

    assert_problem(refused, 409, "not_a_transfer")
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING


def test_the_sandbox_cannot_run_in_production() -> None:
    with pytest.raises(ValidationError, match="cannot run in production"):
        PaymentSettings(environment="production")
    with pytest.raises(ValidationError, match="cannot run in production"):
        PaymentSettings(environment="production", payment_gateways=["manual", "sandbox"])
    assert PaymentSettings(environment="production", payment_gateways=["manual"])


# -- buying what one holds for a while -------------------------------------------------------


async def test_buying_over_a_limited_term_makes_the_enrollment_the_orders(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User
) -> None:
    course = await on_sale(
        db, seller, "30.00", access_type=CourseAccessType.LIMITED, access_days=365
    )
    held = await create_enrollment(
        db, buyer, course, expires_at=utcnow() + timedelta(days=3), enrollment_type="gifted"
    )
    placed = await place(client, db, buyer, course)

    await deliver(client, event(placed))

    await db.refresh(held)
    assert (held.order_id, held.enrollment_type) == (placed.id, EnrollmentType.PAID)
    assert held.expires_at is not None
    assert held.expires_at > utcnow() + timedelta(days=364)


async def test_buying_over_a_subscription_gives_lifetime_access(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    held = await create_enrollment(db, buyer, course, enrollment_type="subscription")
    placed = await place(client, db, buyer, course)

    await deliver(client, event(placed))

    await db.refresh(held)
    assert (held.order_id, held.enrollment_type, held.expires_at) == (
        placed.id,
        EnrollmentType.PAID,
        None,
    )


@pytest.mark.parametrize("lapsed", ["refunded", "expired"])
async def test_a_course_can_be_bought_again_after_a_refund_or_an_expired_term(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course, lapsed: str
) -> None:
    held = await create_enrollment(
        db,
        buyer,
        course,
        status=EnrollmentStatus(lapsed),
        is_active=False,
        expires_at=utcnow() - timedelta(days=1) if lapsed == "expired" else None,
        progress_percentage=Decimal(40),
    )
    placed = await place(client, db, buyer, course)

    await deliver(client, event(placed))

    await db.refresh(held)
    assert (held.status, held.is_active, held.order_id) == (
        EnrollmentStatus.ACTIVE,
        True,
        placed.id,
    )
    assert held.progress_percentage == Decimal(40)  # the learner's progress is kept
    assert await db.scalar(select(func.count()).where(Enrollment.user_id == buyer.id)) == 1
