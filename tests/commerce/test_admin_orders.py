"""Admins see every order: filtered, a page at a time or as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import Order, OrderPaymentStatus, OrderStatus, User
from tests.auth.helpers import assert_problem
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.instructors import create_admin

ORDERS = "/api/v1/admin/orders"


async def order(db: AsyncSession, buyer: User, number: str, **values: object) -> Order:
    row = Order(
        order_number=number, user_id=buyer.id, subtotal=Decimal("10.00"),
        total=Decimal("10.00"), currency="USD", **values,
    )  # fmt: skip
    db.add(row)
    await db.flush()
    return row


async def test_admins_list_and_filter_every_order(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User
) -> None:
    admin = await create_admin(db)
    other = await create_user(db, email="zoe@school.test")
    await order(db, buyer, "LEC-1-AAA", status=OrderStatus.COMPLETED,
                payment_status=OrderPaymentStatus.PAID)  # fmt: skip
    await order(db, other, "LEC-2-BBB", created_at=utcnow() - timedelta(days=10))

    everything = (await client.get(ORDERS, headers=bearer(admin))).json()
    paid = await client.get(ORDERS, params={"payment_status": "paid"}, headers=bearer(admin))
    by_mail = await client.get(ORDERS, params={"q": "ZOE@"}, headers=bearer(admin))
    recent = await client.get(
        ORDERS, params={"created_from": (utcnow() - timedelta(days=1)).isoformat()},
        headers=bearer(admin),
    )  # fmt: skip

    assert [o["order_number"] for o in everything["items"]] == ["LEC-1-AAA", "LEC-2-BBB"]
    assert everything["items"][1]["buyer"]["email"] == "zoe@school.test"
    assert [o["order_number"] for o in paid.json()["items"]] == ["LEC-1-AAA"]
    assert [o["order_number"] for o in by_mail.json()["items"]] == ["LEC-2-BBB"]
    assert [o["order_number"] for o in recent.json()["items"]] == ["LEC-1-AAA"]


async def test_the_csv_has_every_matching_order_with_formulas_defused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    sly = await create_user(db, name='=HYPERLINK("http://evil")')
    await order(db, sly, "LEC-3-CCC", coupon_code="SPRING20")

    answer = await client.get(f"{ORDERS}.csv", headers=bearer(admin))

    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:3] == ["order_number", "created_at", "buyer_name"]
    assert (rows[1][0], rows[1][2], rows[1][10], rows[1][11]) == (
        "LEC-3-CCC",
        '\'=HYPERLINK("http://evil")',
        "10.00",
        "SPRING20",
    )


async def test_only_admins_see_every_order(client: httpx.AsyncClient, buyer: User) -> None:
    for url in (ORDERS, f"{ORDERS}.csv"):
        assert_problem(await client.get(url, headers=bearer(buyer)), 403, "admin_only")


async def test_a_date_range_the_wrong_way_round_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    answer = await client.get(
        ORDERS,
        params={"created_from": "2027-01-02T00:00:00Z", "created_to": "2027-01-01T00:00:00Z"},
        headers=bearer(admin),
    )
    assert_problem(answer, 422, "invalid_input")
