"""The money audit: the books a run of sales, discounts, tax, a co-instructor, a partial and
a full refund leave behind balance; each rule names the row that breaks it."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import audit as commerce
from lectern.earnings import audit as earnings
from lectern.invoices import audit as invoices
from lectern.models import Coupon, CouponType, Course, Order, SettingType, User
from tests.commerce.conftest import on_sale
from tests.commerce.payments import deliver, event, order
from tests.commerce.test_checkout import CHECKOUT, shop
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting


async def books(db: AsyncSession) -> list[str]:
    return [
        *await commerce.problems(db),
        *await earnings.problems(db),
        *await invoices.problems(db),
    ]


async def buy(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, *courses: Course, **body: object
) -> Order:
    await shop(client, buyer, *courses)
    placed = await client.post(CHECKOUT, json=body, headers=bearer(buyer))
    assert placed.status_code == 201, placed.text
    bought = await order(db, placed.json()["uuid"])
    if bought.total > 0:
        await deliver(client, event(bought))
    return await order(db, bought.uuid)


async def refund(
    client: httpx.AsyncClient, admin: User, buyer: User, bought: Order, *courses: Course
) -> None:
    body: dict[str, object] = {"reason": "audit"}
    if courses:
        body["items"] = [str(course.uuid) for course in courses]
    asked = await client.post(
        f"/api/v1/orders/{bought.uuid}/refund-requests", json=body, headers=bearer(buyer)
    )
    assert asked.status_code == 201, asked.text
    approved = await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )
    assert approved.status_code == 200, approved.text


@pytest.fixture
async def sales(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> list[Order]:
    """Orders of every kind, paid through the API, some refunded."""
    admin = await create_admin(db)
    await create_setting(db, "tax.rates", {"DE": 19, "FR": 20}, SettingType.JSON)
    partner = await create_instructor(db)
    second = await on_sale(db, seller, "20.00", title="Second")
    await create_co_instructor(db, second, partner, share="35")
    third = await on_sale(db, seller, "9.99", title="Third")
    db.add_all(
        [
            Coupon(code="TEN", name="10", type=CouponType.PERCENTAGE, discount_value=Decimal(10)),
            Coupon(code="FREE", name="F", type=CouponType.FREE, discount_value=Decimal(0)),
        ]
    )
    await db.flush()
    others = [await create_user(db) for _ in range(3)]
    await shop(client, buyer, course, second, third)
    await client.post("/api/v1/cart/coupon", json={"code": "TEN"}, headers=bearer(buyer))
    first = await buy(client, db, buyer, billing={"country": "DE"})
    await refund(client, admin, buyer, first, second)
    whole = await buy(client, db, others[0], course, billing={"country": "FR"})
    await refund(client, admin, others[0], whole)
    kept = await buy(client, db, others[1], second, third)
    await shop(client, others[2], course)
    await client.post("/api/v1/cart/coupon", json={"code": "FREE"}, headers=bearer(others[2]))
    free = await buy(client, db, others[2])
    return [first, whole, kept, free]


async def test_the_books_of_real_sales_balance(db: AsyncSession, sales: list[Order]) -> None:
    first, *_, free = sales
    assert first.total == Decimal("85.66")  # 79.98 less 8.00, plus 19 % of 71.98 (13.68)
    assert (first.discount_amount, first.tax_amount) == (Decimal("8.00"), Decimal("13.68"))
    assert (free.total, free.invoice_number) == (0, None)

    assert await books(db) == []


@pytest.mark.parametrize(
    ("corruption", "named"),
    [
        ("UPDATE order_items SET price = price + 1 WHERE id = (SELECT MIN(id) FROM order_items)",
         "its items add up to"),
        ("UPDATE orders SET total = total + 1 WHERE invoice_number IS NOT NULL "
         "AND id = (SELECT MIN(id) FROM orders)", "its items add up to"),
        ("UPDATE coupons SET used_count = used_count + 1 WHERE code = 'TEN'",
         "coupon TEN: used_count is 2, it has 1 uses"),
        ("UPDATE refunds SET amount = amount * 10", "exceed its total"),
        ("UPDATE instructor_earnings SET instructor_amount = instructor_amount + 1 "
         "WHERE id = (SELECT MIN(id) FROM instructor_earnings)", "do not make up"),
        ("UPDATE orders SET invoice_number = REPLACE(invoice_number, '-000001', '-000009') "
         "WHERE invoice_number LIKE '%-000001'", "numbers missing"),
        ("UPDATE credit_notes SET amount = amount + 1", "its refund paid back"),
    ],
    ids=["item-price", "order-total", "coupon-count", "refund-too-big", "earning", "invoice-gap",
         "credit-note"],
)  # fmt: skip
async def test_each_rule_names_the_row_that_breaks_it(
    db: AsyncSession, sales: list[Order], corruption: str, named: str
) -> None:
    await db.execute(text(corruption))

    found = await books(db)

    assert any(named in problem for problem in found), found


async def test_the_orders_say_what_the_audit_read(db: AsyncSession, sales: list[Order]) -> None:
    first = sales[0]
    await db.execute(update(Order).where(Order.id == first.id).values(subtotal=Decimal(1)))

    [problem] = await commerce.problems(db)

    assert problem.startswith(f"order {first.order_number}: ")
