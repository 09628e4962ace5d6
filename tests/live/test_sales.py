"""A priced live class: its seats are bought through the cart by the course's learners (not
taken); the payment seats the buyer (once, however often the webhook comes), with the
calendar entry; a refund gives the seat back; the course itself is untouched."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.cart.schemas import CartOut
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    Enrollment,
    LiveClass,
    LiveClassRegistration,
    OrderItem,
    User,
)
from tests.assignments.test_grading import mails
from tests.commerce.payments import deliver, event, order
from tests.commerce.test_checkout import CHECKOUT
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.instructors import create_admin
from tests.live.conftest import CLASSES, STUDIO
from tests.live.test_seats import calendar_of
from tests.reviews.helpers import code

CART = "/api/v1/cart"


async def priced_class(
    client: httpx.AsyncClient, seller: User, course: Course, **body: Any
) -> dict[str, Any]:
    body = {
        "title": "Masterclass",
        "scheduled_at": (utcnow() + timedelta(days=3)).isoformat(),
        "meeting_url": "https://zoom.us/j/42",
        "price": "15.00",
        **body,
    }
    made = await client.post(
        f"{STUDIO}/courses/{course.uuid}/live-classes", json=body, headers=bearer(seller)
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


async def test_a_learner_buys_a_seat_and_the_payment_seats_them_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    seller: User,
    buyer: User,
    course: Course,
    mail_dir: Path,
) -> None:
    await create_enrollment(db, buyer, course)
    made = await priced_class(client, seller, course)
    taken = await client.post(f"{CLASSES}/{made['uuid']}/registration", headers=bearer(buyer))
    added = await client.post(
        f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(buyer)
    )
    placed = await client.post(CHECKOUT, json={}, headers=bearer(buyer))
    paid = await order(db, placed.json()["uuid"])
    body = event(paid)
    outcomes = [(await deliver(client, body)).json()["outcome"] for _ in range(2)]

    assert (made["price"], made["currency"]) == ("15.00", "USD")
    assert (taken.status_code, code(taken)) == (409, "seat_for_sale")
    assert added.status_code == 201, added.text
    assert CartOut.model_validate(added.json()).model_dump(mode="json") == added.json()
    [line] = added.json()["items"]
    assert (line["item_type"], line["price"], line["live_class"]["title"]) == (
        "live_class",
        "15.00",
        "Masterclass",
    )
    assert placed.status_code == 201, placed.text
    assert outcomes[0] == "handled"
    [item] = await db.scalars(select(OrderItem).where(OrderItem.order_id == paid.id))
    assert (item.item_type, item.course_title, str(item.final_price)) == (
        "live_class",
        "Live class: Masterclass",
        "15.00",
    )
    seats = await db.scalar(
        select(func.count(LiveClassRegistration.id)).where(
            LiveClassRegistration.user_id == buyer.id
        )
    )
    counted = await db.scalar(select(LiveClass.registered_count))
    assert (seats, counted) == (1, 1)
    enrollments = await db.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.user_id == buyer.id)
    )
    assert enrollments == 1  # the course, held before; nothing granted
    invites = [calendar_of(m) for m in await mails(mail_dir) if m["Subject"] == "You have a seat"]
    assert [method for method, _ in invites] == ["REQUEST"]
    again = await client.post(
        f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(buyer)
    )
    assert (again.status_code, code(again)) == (409, "already_registered")


async def test_only_the_course_learners_buy_and_not_past_the_seats(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, buyer: User, course: Course
) -> None:
    made = await priced_class(client, seller, course, max_attendees=1)
    outsider = await client.post(
        f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(buyer)
    )
    teacher = await client.post(
        f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(seller)
    )
    first = await create_user(db)
    await create_enrollment(db, first, course)
    await create_enrollment(db, buyer, course)
    await client.post(f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(first))
    placed = await client.post(CHECKOUT, json={}, headers=bearer(first))
    await deliver(client, event(await order(db, placed.json()["uuid"])))
    full = await client.post(
        f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(buyer)
    )
    both = await client.post(
        f"{CART}/items",
        json={"live_class": made["uuid"], "course": str(course.uuid)},
        headers=bearer(buyer),
    )

    assert (outsider.status_code, code(outsider)) == (409, "not_enrolled")
    assert (teacher.status_code, code(teacher)) == (409, "own_course")
    assert (full.status_code, code(full)) == (409, "class_full")
    assert both.status_code == 422


async def test_a_refund_gives_the_seat_back(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    await create_enrollment(db, buyer, course)
    made = await priced_class(client, seller, course)
    await client.post(f"{CART}/items", json={"live_class": made["uuid"]}, headers=bearer(buyer))
    placed = await client.post(CHECKOUT, json={}, headers=bearer(buyer))
    paid = await order(db, placed.json()["uuid"])
    await deliver(client, event(paid))
    withdrawn = await client.delete(f"{CLASSES}/{made['uuid']}/registration", headers=bearer(buyer))

    asked = await client.post(
        f"/api/v1/orders/{paid.uuid}/refund-requests",
        json={"reason": "I cannot attend"},
        headers=bearer(buyer),
    )
    assert asked.status_code == 201, asked.text
    approved = await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    assert (withdrawn.status_code, code(withdrawn)) == (409, "paid_seat")
    assert approved.status_code == 200, approved.text
    assert await db.scalar(select(func.count(LiveClassRegistration.id))) == 0
    assert (
        await db.scalar(
            select(LiveClass.registered_count).execution_options(populate_existing=True)
        )
        == 0
    )
    still = await db.scalar(select(Enrollment.status).where(Enrollment.user_id == buyer.id))
    assert still == "active"


async def test_a_price_must_be_exact_in_the_course_currency(
    client: httpx.AsyncClient, db: AsyncSession, seller: User
) -> None:
    from tests.commerce.conftest import on_sale

    yen = await on_sale(db, seller, price="4900", currency="JPY")
    answer = await client.post(
        f"{STUDIO}/courses/{yen.uuid}/live-classes",
        json={
            "title": "Yen class",
            "scheduled_at": (utcnow() + timedelta(days=3)).isoformat(),
            "meeting_url": "https://zoom.us/j/1",
            "price": "1500.50",
        },
        headers=bearer(seller),
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["price"]
