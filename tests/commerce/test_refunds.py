"""Refunds: a buyer asks within the window and the progress limit, an admin approves (the
money goes back through the gateway, the access ends, the earnings are reversed) or rejects."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    InstructorEarning,
    InstructorEarningStatus,
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
from tests.commerce.test_checkout import CHECKOUT, shop
from tests.conftest import bearer
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting
from tests.mailbox import Mailbox, body_text


async def bought(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, *courses: Course
) -> Order:
    placed = await place(client, db, buyer, *courses)
    assert (await deliver(client, event(placed))).json()["outcome"] == "handled"
    return await order(db, placed.uuid)


def ask(order_: Order) -> str:
    return f"/api/v1/orders/{order_.uuid}/refund-requests"


async def enrollment_of(db: AsyncSession, buyer: User, course: Course) -> Enrollment:
    found = await db.scalar(
        select(Enrollment)
        .where(Enrollment.user_id == buyer.id, Enrollment.course_id == course.id)
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def test_an_approved_refund_pays_back_ends_the_access_and_reverses_the_earnings(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    mailbox: Mailbox,
) -> None:
    admin = await create_admin(db)
    paid = await bought(client, db, buyer, course)

    asked = await client.post(
        ask(paid), json={"reason": "Not what I expected"}, headers=bearer(buyer)
    )

    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["status"], request["amount"], request["order_number"]) == (
        "pending",
        "49.99",
        paid.order_number,
    )
    assert [item["course_uuid"] for item in request["items"]] == [str(course.uuid)]
    listed = await client.get("/api/v1/admin/refunds?status=pending", headers=bearer(admin))
    assert [r["uuid"] for r in listed.json()["items"]] == [request["uuid"]]

    approved = await client.post(
        f"/api/v1/admin/refunds/{request['uuid']}/approve", json={}, headers=bearer(admin)
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "processed"
    assert approved.json()["transaction_id"].startswith("sbx_re_")
    paid = await order(db, paid.uuid)
    assert (paid.status, paid.payment_status) == (OrderStatus.REFUNDED, OrderPaymentStatus.REFUNDED)
    held = await enrollment_of(db, buyer, course)
    assert (held.status, held.is_active) == (EnrollmentStatus.REFUNDED, False)
    opened = await client.get(f"/api/v1/learn/{course.uuid}", headers=bearer(buyer))
    assert opened.status_code in (403, 404)
    earned = await db.scalar(
        select(InstructorEarning.status).where(InstructorEarning.order_id == paid.id)
    )
    assert earned == InstructorEarningStatus.REFUNDED
    [month] = (await client.get("/api/v1/admin/revenue", headers=bearer(admin))).json()
    assert (month["collected"], month["refunds"], month["instructors"], month["platform"]) == (
        "49.99",
        "49.99",
        "0.00",
        "0.00",
    )
    # The receipt and the refund to the buyer; the instructor's new student.
    await mailbox.wait(3)
    assert "refunded 49.99 USD" in body_text(mailbox.to(buyer.email)[-1])


async def test_part_of_an_order_is_refunded_item_by_item_to_the_cent(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    admin = await create_admin(db)
    await create_setting(db, "tax.rates", {"DE": 19}, SettingType.JSON)
    second = await on_sale(db, seller, "20.00", title="Second")
    await shop(client, buyer, course, second)
    placed = await client.post(CHECKOUT, json={"billing": {"country": "DE"}}, headers=bearer(buyer))
    paid = await order(db, placed.json()["uuid"])
    await deliver(client, event(paid))
    assert paid.total == Decimal("83.29")  # 69.99 + 13.30 of tax

    first = await client.post(
        ask(paid), json={"items": [str(second.uuid)], "reason": "Too easy"}, headers=bearer(buyer)
    )
    await client.post(
        f"/api/v1/admin/refunds/{first.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    assert first.json()["amount"] == "23.80"  # 20.00 / 69.99 of 83.29
    paid = await order(db, paid.uuid)
    assert paid.status == OrderStatus.PARTIALLY_REFUNDED
    assert (await enrollment_of(db, buyer, course)).status == EnrollmentStatus.ACTIVE
    assert (await enrollment_of(db, buyer, second)).status == EnrollmentStatus.REFUNDED

    rest = await client.post(ask(paid), json={"reason": "After all"}, headers=bearer(buyer))
    await client.post(
        f"/api/v1/admin/refunds/{rest.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    assert rest.json()["amount"] == "59.49"
    assert Decimal(first.json()["amount"]) + Decimal(rest.json()["amount"]) == paid.total
    assert (await order(db, paid.uuid)).status == OrderStatus.REFUNDED


async def test_a_rejected_request_keeps_the_access_and_may_be_asked_again(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    paid = await bought(client, db, buyer, course)
    asked = await client.post(ask(paid), json={"reason": "Meh"}, headers=bearer(buyer))

    rejected = await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/reject",
        json={"reason": "You finished the course."},
        headers=bearer(admin),
    )
    again = await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    assert (rejected.json()["status"], rejected.json()["admin_notes"]) == (
        "rejected",
        "You finished the course.",
    )
    assert_problem(again, 409, "refund_decided")
    assert (await enrollment_of(db, buyer, course)).status == EnrollmentStatus.ACTIVE
    assert (await order(db, paid.uuid)).status == OrderStatus.COMPLETED
    retry = await client.post(ask(paid), json={"reason": "Please"}, headers=bearer(buyer))
    assert retry.status_code == 201, retry.text


async def test_access_held_otherwise_is_not_taken_by_a_refund(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    paid = await bought(client, db, buyer, course)
    held = await enrollment_of(db, buyer, course)
    # Since then an admin granted the course outright: the enrollment is no longer the order's.
    held.order_id, held.enrollment_type = None, EnrollmentType.ADMIN
    await db.flush()
    asked = await client.post(ask(paid), json={"reason": "Double"}, headers=bearer(buyer))

    await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    assert (await order(db, paid.uuid)).status == OrderStatus.REFUNDED
    assert (await enrollment_of(db, buyer, course)).status == EnrollmentStatus.ACTIVE


async def test_a_refund_is_refused_past_the_window_or_the_progress_limit(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    paid = await bought(client, db, buyer, course)
    held = await enrollment_of(db, buyer, course)
    held.progress_percentage = Decimal("30.01")
    await db.flush()

    too_far = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(buyer))
    await db.execute(
        update(Order).where(Order.id == paid.id).values(paid_at=utcnow() - timedelta(days=31))
    )
    too_late = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(buyer))

    assert_problem(too_far, 422, "too_far_along")
    assert_problem(too_late, 422, "refund_window_passed")
    assert await db.scalar(select(Refund.id)) is None


async def test_bad_refund_requests_are_refused_and_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    paid = await bought(client, db, buyer, course)
    stranger = await on_sale(db, seller, "5.00", title="Elsewhere")
    pending = await place(client, db, buyer, stranger)
    from tests.factories import create_user

    other = await create_user(db)

    not_mine = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(other))
    not_paid = await client.post(ask(pending), json={"reason": "x"}, headers=bearer(buyer))
    not_in_it = await client.post(
        ask(paid), json={"items": [str(stranger.uuid)], "reason": "x"}, headers=bearer(buyer)
    )
    no_reason = await client.post(ask(paid), json={}, headers=bearer(buyer))
    first = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(buyer))
    twice = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(buyer))

    assert_problem(not_mine, 404, "not_found")
    assert_problem(not_paid, 409, "not_refundable")
    assert_problem(not_in_it, 422, "invalid_input")
    assert_problem(no_reason, 422, "validation_error")
    assert first.status_code == 201
    assert_problem(twice, 409, "already_requested")
    assert len(list(await db.scalars(select(Refund)))) == 1


async def test_a_refund_never_takes_more_than_the_order_has_left(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    paid = await bought(client, db, buyer, course)
    asked = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(buyer))
    # Paid back outside the request meanwhile (a gateway's own refund, say).
    db.add(
        Refund(
            order_id=paid.id, user_id=buyer.id, amount=Decimal("30.00"), currency="USD",
            status=RefundStatus.PROCESSED, processed_at=utcnow(),
        )
    )  # fmt: skip
    await db.flush()

    refused = await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    problem = assert_problem(refused, 409, "refund_exceeds_payment")
    assert "19.99 USD" in problem["detail"]
    assert (await enrollment_of(db, buyer, course)).status == EnrollmentStatus.ACTIVE


async def test_a_refund_request_retried_with_its_key_is_made_once(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    paid = await bought(client, db, buyer, course)
    headers = {**bearer(buyer), "Idempotency-Key": "refund-once-123"}

    first = await client.post(ask(paid), json={"reason": "x"}, headers=headers)
    retry = await client.post(ask(paid), json={"reason": "x"}, headers=headers)
    other_body = await client.post(ask(paid), json={"reason": "y"}, headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["uuid"] == first.json()["uuid"]
    assert_problem(other_body, 422, "idempotency_key_reused")
    assert len(list(await db.scalars(select(Refund)))) == 1


async def test_a_refunded_course_can_be_bought_again(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    paid = await bought(client, db, buyer, course)
    asked = await client.post(ask(paid), json={"reason": "x"}, headers=bearer(buyer))
    await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    again = await bought(client, db, buyer, course)

    held = await enrollment_of(db, buyer, course)
    assert (held.status, held.order_id) == (EnrollmentStatus.ACTIVE, again.id)
