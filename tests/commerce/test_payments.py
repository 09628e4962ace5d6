"""Paying for an order through the sandbox gateway: its pay page, and the signed webhook
events every gateway's payments end in."""

from __future__ import annotations

import json
import logging
import re
import time
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import sandbox
from lectern.models import (
    CartItem,
    Coupon,
    CouponType,
    CouponUsage,
    Course,
    Enrollment,
    EnrollmentType,
    OrderPaymentStatus,
    OrderStatus,
    PaymentEvent,
    PaymentEventOutcome,
    User,
)
from tests.auth.helpers import assert_problem
from tests.commerce.payments import deliver, event, order, place, with_changes
from tests.conftest import bearer
from tests.mailbox import Mailbox, body_text


async def enrollments(db: AsyncSession, user: User) -> list[Enrollment]:
    return list(
        await db.scalars(
            select(Enrollment)
            .where(Enrollment.user_id == user.id)
            .execution_options(populate_existing=True)
        )
    )


async def payment_events(db: AsyncSession) -> list[tuple[str, PaymentEventOutcome]]:
    rows = await db.execute(
        select(PaymentEvent.type, PaymentEvent.outcome).order_by(PaymentEvent.id)
    )
    return [(row.type, row.outcome) for row in rows]


async def coupon_of_ten(db: AsyncSession, **values: object) -> Coupon:
    coupon = Coupon(
        code="TEN", name="Ten off", type=CouponType.FIXED, discount_value=Decimal(10),
        currency="USD", **values,
    )  # fmt: skip
    db.add(coupon)
    await db.flush()
    return coupon


# -- the pay page --------------------------------------------------------------------------


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def test_paying_on_the_sandbox_page_grants_the_courses_and_mails_a_receipt(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    mailbox: Mailbox,
) -> None:
    await coupon_of_ten(db)
    placed = await place(client, db, buyer, course, code="TEN")
    page = await client.get(f"/payments/sandbox/{placed.uuid}")
    assert page.status_code == 200
    assert placed.order_number in page.text
    assert "39.99 USD" in page.text

    paid = await client.post(
        f"/payments/sandbox/{placed.uuid}/pay",
        data={"outcome": "succeeded", "csrf_token": csrf_of(page)},
    )

    assert paid.status_code == 200, paid.text
    assert "its courses are yours" in paid.text
    placed = await order(db, placed.uuid)
    assert (placed.status, placed.payment_status) == (
        OrderStatus.COMPLETED,
        OrderPaymentStatus.PAID,
    )
    assert placed.paid_at is not None
    assert (placed.transaction_id or "").startswith("sbx_pay_")
    [enrollment] = await enrollments(db, buyer)
    assert (enrollment.course_id, enrollment.order_id, enrollment.enrollment_type) == (
        course.id,
        placed.id,
        EnrollmentType.PAID,  # money was paid, with a discount
    )
    assert enrollment.price_paid == Decimal("39.99")
    assert await payment_events(db) == [("payment.succeeded", PaymentEventOutcome.HANDLED)]
    assert await db.scalar(select(func.count()).select_from(CartItem)) == 0
    opened = await client.get(f"/api/v1/learn/{course.uuid}", headers=bearer(buyer))
    assert opened.status_code == 200, opened.text
    await mailbox.wait(2)  # the buyer's receipt, the instructor's new student
    [receipt] = mailbox.to(buyer.email)
    assert placed.order_number in str(receipt["Subject"])
    text = body_text(receipt)
    assert "Python for Everyone: 39.99 USD" in text
    assert "Total paid: 39.99 USD" in text
    assert "Discount (TEN): -10.00 USD" in text
    # The page says so when opened again, and offers no second payment.
    again = await client.get(f"/payments/sandbox/{placed.uuid}")
    assert "is paid" in again.text
    assert "<form" not in again.text


async def test_a_failed_payment_grants_nothing_and_gives_the_coupon_back(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    coupon = await coupon_of_ten(db, usage_limit=1)
    placed = await place(client, db, buyer, course, code="TEN")
    await db.refresh(coupon)
    assert coupon.used_count == 1
    page = await client.get(f"/payments/sandbox/{placed.uuid}")

    failed = await client.post(
        f"/payments/sandbox/{placed.uuid}/pay",
        data={"outcome": "failed", "csrf_token": csrf_of(page)},
    )

    assert "failed" in failed.text
    placed = await order(db, placed.uuid)
    assert (placed.status, placed.payment_status) == (OrderStatus.FAILED, OrderPaymentStatus.FAILED)
    assert await enrollments(db, buyer) == []
    await db.refresh(coupon)
    assert coupon.used_count == 0
    assert await db.scalar(select(func.count()).select_from(CouponUsage)) == 0
    # The cart still holds the course: the buyer can try again, with the coupon.
    retried = await place(client, db, buyer, code="TEN")
    assert (retried.status, retried.total) == (OrderStatus.PENDING, Decimal("39.99"))


async def test_the_pay_form_is_refused_without_its_csrf_token(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    placed = await place(client, db, buyer, course)

    forged = await client.post(
        f"/payments/sandbox/{placed.uuid}/pay", data={"outcome": "succeeded", "csrf_token": "x"}
    )

    assert forged.status_code == 403
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING
    assert await payment_events(db) == []


async def test_the_pay_page_of_an_unknown_order_is_a_404(client: httpx.AsyncClient) -> None:
    page = await client.get("/payments/sandbox/00000000-0000-4000-8000-000000000000")

    assert page.status_code == 404
    assert "No such order" in page.text


# -- webhooks ------------------------------------------------------------------------------


async def test_a_webhook_delivered_twice_has_one_effect(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    placed = await place(client, db, buyer, course)
    body = event(placed)

    first = await deliver(client, body)
    second = await deliver(client, body)

    assert (first.json()["outcome"], second.json()["outcome"]) == ("handled", "duplicate")
    assert len(await enrollments(db, buyer)) == 1
    assert await payment_events(db) == [("payment.succeeded", PaymentEventOutcome.HANDLED)]


async def test_an_event_changed_after_it_was_signed_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    placed = await place(client, db, buyer, course)
    genuine = event(placed, amount=1)

    answer = await deliver(
        client, with_changes(genuine, amount=4999), signature=sandbox.sign(genuine)
    )

    assert_problem(answer, 400, "bad_signature")
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING
    assert await payment_events(db) == []


@pytest.mark.parametrize(
    ("age", "key", "code"),
    [
        (301, None, "signature_too_old"),
        (-301, None, "signature_too_old"),
        (0, b"someone else's key", "bad_signature"),
    ],
    ids=["replayed-late", "from-the-future", "wrong-key"],
)
async def test_an_old_or_foreign_signature_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    age: int,
    key: bytes | None,
    code: str,
) -> None:
    placed = await place(client, db, buyer, course)

    answer = await deliver(client, event(placed), stamp=int(time.time()) - age, key=key)

    assert_problem(answer, 400, code)
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING
    assert await payment_events(db) == []
    assert await enrollments(db, buyer) == []


async def test_a_webhook_without_a_signature_or_of_an_unknown_kind_is_a_400(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    placed = await place(client, db, buyer, course)

    unsigned = await client.post(
        "/api/v1/payments/webhooks/sandbox",
        content=event(placed),
        headers={"Content-Type": "application/json"},
    )
    odd = json.loads(event(placed))
    odd["type"] = "payment.disputed"
    unknown = await deliver(client, json.dumps(odd).encode())
    nobody = with_changes(event(placed), order="00000000-0000-4000-8000-000000000000")
    stranger = await deliver(client, nobody)

    assert_problem(unsigned, 400, "bad_signature")
    assert_problem(unknown, 400, "unknown_event")
    assert_problem(stranger, 400, "unknown_order")
    assert await payment_events(db) == []


async def test_a_webhook_for_a_gateway_the_site_does_not_use_is_a_404(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/api/v1/payments/webhooks/paypal", json={})

    assert_problem(answer, 404, "gateway_unavailable")


async def test_a_payment_of_another_amount_or_currency_is_refused_and_logged(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    caplog: pytest.LogCaptureFixture,
) -> None:
    placed = await place(client, db, buyer, course)
    short = event(placed, amount=100)
    euros = with_changes(event(placed), currency="EUR")

    with caplog.at_level(logging.WARNING, logger="lectern.payments"):
        answers = [await deliver(client, short), await deliver(client, euros)]

    assert [answer.json()["outcome"] for answer in answers] == ["refused", "refused"]
    assert "the amount 100 (minor units) is not the order's 4999" in caplog.text
    assert "the currency EUR is not the order's USD" in caplog.text
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING
    assert await enrollments(db, buyer) == []
    notes = list(await db.scalars(select(PaymentEvent.note).order_by(PaymentEvent.id)))
    assert notes[0] == "the amount 100 (minor units) is not the order's 4999"
    # The right payment still goes through.
    assert (await deliver(client, event(placed))).json()["outcome"] == "handled"
    assert (await order(db, placed.uuid)).status == OrderStatus.COMPLETED


async def test_a_failure_reported_after_the_success_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    placed = await place(client, db, buyer, course)
    failure = event(placed, "failed")  # made first, delivered last
    await deliver(client, event(placed))

    late = await deliver(client, failure)

    assert late.json()["outcome"] == "ignored"
    placed = await order(db, placed.uuid)
    assert (placed.status, placed.payment_status) == (
        OrderStatus.COMPLETED,
        OrderPaymentStatus.PAID,
    )
    assert len(await enrollments(db, buyer)) == 1
    note = await db.scalar(select(PaymentEvent.note).where(PaymentEvent.type == "payment.failed"))
    assert note == "the order is completed already"
