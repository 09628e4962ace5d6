"""Earnings of paid orders: written once per item and instructor when the order is paid,
split to the cent, cleared after the refund window; the instructor's and the admin's
reports."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern import events
from lectern.commerce.events import OrderPaid
from lectern.earnings.service import clear_due
from lectern.kit.types import utcnow
from lectern.models import (
    Coupon,
    CouponType,
    Course,
    InstructorEarning,
    InstructorEarningStatus,
    InstructorProfile,
    Order,
    OrderItem,
    SettingType,
    User,
)
from tests.commerce.conftest import on_sale
from tests.commerce.payments import deliver, event, order, place
from tests.commerce.test_checkout import CHECKOUT, shop
from tests.conftest import bearer
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting
from tests.queries import count_queries


async def paid(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    *courses: Course,
    code: str | None = None,
) -> Order:
    placed = await place(client, db, buyer, *courses, code=code)
    answer = await deliver(client, event(placed))
    assert answer.json()["outcome"] == "handled", answer.text
    await db.refresh(placed)
    return placed


async def earnings(db: AsyncSession, order: Order) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    rows = await db.execute(
        select(
            InstructorEarning.instructor_id,
            InstructorEarning.order_amount,
            InstructorEarning.instructor_amount,
            InstructorEarning.platform_amount,
        )
        .where(InstructorEarning.order_id == order.id)
        .order_by(InstructorEarning.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_paid_order_earns_the_owner_the_co_instructor_and_the_platform_their_shares(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    partner = await create_instructor(db, name="Pat Partner")
    await create_co_instructor(db, course, partner, share="30")

    order = await paid(client, db, buyer, course)

    assert await earnings(db, order) == [
        (seller.id, Decimal("49.99"), Decimal("24.49"), Decimal("15.00")),
        (partner.id, Decimal("49.99"), Decimal("10.50"), Decimal("0.00")),
    ]
    item = await db.scalar(select(OrderItem).where(OrderItem.order_id == order.id))
    assert item is not None
    await db.refresh(item)
    assert (item.instructor_share, item.platform_share) == (Decimal("34.99"), Decimal("15.00"))
    statuses = set(await db.scalars(select(InstructorEarning.status)))
    assert statuses == {InstructorEarningStatus.PENDING}


async def test_the_owners_commission_rate_is_used_and_kept(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    await db.execute(
        update(InstructorProfile)
        .where(InstructorProfile.user_id == seller.id)
        .values(commission_rate=Decimal(50))
    )

    order = await paid(client, db, buyer, course)

    earned = await db.scalar(
        select(InstructorEarning).where(InstructorEarning.order_id == order.id)
    )
    assert earned is not None
    assert (earned.commission_rate, earned.instructor_amount) == (Decimal(50), Decimal("25.00"))


async def test_tax_is_no_ones_earning(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    await create_setting(db, "tax.rates", {"DE": 19}, SettingType.JSON)
    await create_setting(db, "tax.prices_include_tax", True, SettingType.BOOLEAN)
    await shop(client, buyer, course)
    placed = await client.post(CHECKOUT, json={"billing": {"country": "DE"}}, headers=bearer(buyer))
    billed = await order(db, placed.json()["uuid"])

    await deliver(client, event(billed))

    # 49.99 holds 7.98 of tax: 42.01 is split, 29.41 (70 %) and 12.60
    assert billed.tax_amount == Decimal("7.98")
    assert await earnings(db, billed) == [
        (seller.id, Decimal("42.01"), Decimal("29.41"), Decimal("12.60")),
    ]


@pytest.mark.parametrize(
    ("platform_funds", "instructor_coupon", "expected"),
    [
        (True, False, (Decimal("24.99"), Decimal("0.00"))),  # 70 % of 49.99, capped at 24.99
        (False, False, (Decimal("17.49"), Decimal("7.50"))),  # 70 % of 24.99
        (True, True, (Decimal("17.49"), Decimal("7.50"))),  # an instructor's own coupon
    ],
    ids=["platform-coupon", "platform-coupon-shared", "instructor-coupon"],
)
async def test_who_pays_for_a_discount(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    seller: User,
    course: Course,
    platform_funds: bool,
    instructor_coupon: bool,
    expected: tuple[Decimal, Decimal],
) -> None:
    await create_setting(
        db, "earnings.platform_funds_its_coupons", platform_funds, SettingType.BOOLEAN
    )
    db.add(
        Coupon(
            code="HALF", name="Half", type=CouponType.PERCENTAGE, discount_value=Decimal(50),
            instructor_id=seller.id if instructor_coupon else None,
            applicable_courses=[course.id] if instructor_coupon else None,
        )
    )  # fmt: skip
    await db.flush()

    order = await paid(client, db, buyer, course, code="HALF")

    assert order.total == Decimal("24.99")
    [(_, net, mine, platform)] = await earnings(db, order)
    assert (net, (mine, platform)) == (Decimal("24.99"), expected)


async def test_hearing_a_sale_twice_earns_nothing_twice(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    order = await paid(client, db, buyer, course)

    await events.publish(db, OrderPaid(order.id, buyer.id, str(order.total), order.currency))

    assert len(await earnings(db, order)) == 1


async def test_earnings_clear_when_the_refund_window_has_passed(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    old = await paid(client, db, buyer, course)
    recent = await paid(client, db, buyer, await on_sale(db, seller, "20.00", title="New"))
    await db.execute(
        update(Order).where(Order.id == old.id).values(paid_at=utcnow() - timedelta(days=31))
    )

    assert await clear_due(db) == 1

    rows = await db.execute(select(InstructorEarning.order_id, InstructorEarning.status))
    statuses = {row.order_id: row.status for row in rows}
    assert statuses == {
        old.id: InstructorEarningStatus.CLEARED,
        recent.id: InstructorEarningStatus.PENDING,
    }


async def test_an_instructor_sees_their_earnings_by_course_and_month(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    buyer: User,
    seller: User,
    course: Course,
) -> None:
    await paid(client, db, buyer, course)
    second = await on_sale(db, seller, "20.00", title="Second")
    await paid(client, db, buyer, second)

    with count_queries(engine) as statements:
        mine = await client.get("/api/v1/studio/earnings", headers=bearer(seller))
    sales = await client.get("/api/v1/studio/earnings/sales", headers=bearer(seller))
    theirs = await client.get("/api/v1/studio/earnings", headers=bearer(buyer))

    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["totals"] == [
        {
            "currency": "USD",
            "pending": "48.99",
            "cleared": "0.00",
            "paid": "0.00",
            "refunded": "0.00",
        }
    ]
    assert [(c["course_title"], c["sales"], c["earned"]) for c in body["by_course"]] == [
        ("Python for Everyone", 1, "34.99"),
        ("Second", 1, "14.00"),
    ]
    assert [(m["month"], m["sales"], m["earned"]) for m in body["by_month"]] == [
        (f"{utcnow():%Y-%m}", 2, "48.99")
    ]
    assert len(statements) == 4  # the user, and one statement per part
    assert [s["course_title"] for s in sales.json()["items"]] == ["Second", "Python for Everyone"]
    assert theirs.json() == {"totals": [], "by_course": [], "by_month": []}


async def test_an_admin_sees_the_platforms_revenue_by_month(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    admin = await create_admin(db)
    await paid(client, db, buyer, course)
    await place(client, db, buyer, await on_sale(db, seller, "20.00", title="Unpaid"))

    report = await client.get("/api/v1/admin/revenue?by=month", headers=bearer(admin))
    daily = await client.get("/api/v1/admin/revenue?by=day", headers=bearer(admin))
    refused = await client.get("/api/v1/admin/revenue", headers=bearer(seller))

    assert report.status_code == 200, report.text
    assert report.json() == [
        {
            "period": f"{utcnow():%Y-%m}",
            "currency": "USD",
            "orders": 1,
            "gross": "49.99",
            "discounts": "0.00",
            "tax": "0.00",
            "collected": "49.99",
            "refunds": "0.00",
            "instructors": "34.99",
            "platform": "15.00",
        }
    ]
    assert [row["period"] for row in daily.json()] == [f"{utcnow():%Y-%m-%d}"]
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "by=week",
        "by=day&from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z",
        "from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
    ],
)
async def test_a_revenue_report_out_of_bounds_is_a_422(
    client: httpx.AsyncClient, db: AsyncSession, query: str
) -> None:
    admin = await create_admin(db)

    refused = await client.get(f"/api/v1/admin/revenue?{query}", headers=bearer(admin))

    assert refused.status_code == 422, refused.text
