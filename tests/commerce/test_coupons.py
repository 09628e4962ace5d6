"""Platform coupons: admins author them; buyers apply one to their cart and see the discount,
or exactly why it does not apply."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.commerce.cart.schemas import CartOut
from lectern.kit.types import utcnow
from lectern.models import Cart, Coupon, Course, User
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import CART, on_sale
from tests.conftest import bearer
from tests.factories.instructors import create_admin
from tests.queries import count_queries

COUPONS = "/api/v1/admin/coupons"


async def create(client: httpx.AsyncClient, admin: User, **values: Any) -> httpx.Response:
    body = {"code": "spring20", "name": "Spring sale", "discount_value": "20", **values}
    return await client.post(COUPONS, json=body, headers=bearer(admin))


async def fill(client: httpx.AsyncClient, buyer: User, *courses: Course) -> None:
    for course in courses:
        answer = await client.post(
            f"{CART}/items", json={"course": str(course.uuid)}, headers=bearer(buyer)
        )
        assert answer.status_code == 201, answer.text


# -- authoring ---------------------------------------------------------------------------------


async def test_an_admin_creates_reads_changes_and_deletes_a_coupon(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    admin = await create_admin(db)
    created = await create(
        client, admin, applicable_courses=[str(course.uuid)], usage_limit=100, per_user_limit=1
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["code"], body["applicable_courses"], body["used_count"]) == (
        "SPRING20",
        [str(course.uuid)],
        0,
    )
    stored = await db.scalar(select(Coupon).where(Coupon.code == "SPRING20"))
    assert stored is not None
    assert (stored.applicable_courses, stored.created_by, stored.instructor_id) == (
        [course.id],
        admin.id,
        None,
    )

    url = f"{COUPONS}/{body['id']}"
    changed = await client.put(
        url,
        json={"code": "SPRING25", "name": "Spring sale", "discount_value": "25"},
        headers=bearer(admin),
    )
    assert Decimal(changed.json()["discount_value"]) == 25
    listed = await client.get(COUPONS, params={"q": "spring"}, headers=bearer(admin))
    assert [c["code"] for c in listed.json()["items"]] == ["SPRING25"]

    assert (await client.delete(url, headers=bearer(admin))).status_code == 204
    assert_problem(await client.get(url, headers=bearer(admin)), 404, "not_found")
    await db.refresh(stored)
    assert stored.deleted_at is not None
    assert not stored.is_active
    # A deleted coupon's code stays taken.
    assert_problem(await create(client, admin, code="SPRING25"), 409, "coupon_code_taken")


async def test_only_admins_author_platform_coupons(
    client: httpx.AsyncClient, buyer: User, seller: User
) -> None:
    for who in (buyer, seller):
        assert_problem(await create(client, who), 403, "admin_only")


async def test_inconsistent_terms_are_refused_with_the_reason(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    for values in (
        {"discount_value": "120"},
        {"type": "fixed", "discount_value": "10"},  # an amount without its currency
        {"max_discount": "5", "currency": "USD", "type": "fixed", "discount_value": "1"},
        {"starts_at": "2027-01-02T00:00:00Z", "expires_at": "2027-01-01T00:00:00Z"},
        {"code": "no spaces"},
        {"currency": "XYZ"},
        {"applicable_courses": ["00000000-0000-4000-8000-000000000000"]},
    ):
        answer = await create(client, admin, **values)
        assert answer.status_code == 422, (values, answer.text)
    assert await db.scalar(select(Coupon.id)) is None


# -- applying one to the cart --------------------------------------------------------------------


async def test_a_coupon_takes_its_discount_off_the_cart(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    admin = await create_admin(db)
    other = await on_sale(db, seller, "20.00")
    await create(client, admin, applicable_courses=[str(course.uuid)])
    await fill(client, buyer, course, other)

    applied = await client.post(f"{CART}/coupon", json={"code": "Spring20"}, headers=bearer(buyer))

    assert applied.status_code == 200, applied.text
    body = applied.json()
    # 20 % of 49.99 (the one course it applies to) = 9.998, to the cent 10.00
    assert (body["subtotal"], body["discount"], body["total"]) == ("69.99", "10.00", "59.99")
    assert body["coupon"]["code"] == "SPRING20"
    assert CartOut.model_validate(body).model_dump(mode="json") == body
    cart = await db.scalar(select(Cart).where(Cart.user_id == buyer.id))
    assert cart is not None
    assert cart.coupon_id is not None
    # Reading the cart prices it again; taking the coupon off leaves the full price.
    assert (await client.get(CART, headers=bearer(buyer))).json()["discount"] == "10.00"
    removed = await client.delete(f"{CART}/coupon", headers=bearer(buyer))
    assert (removed.json()["coupon"], removed.json()["total"]) == (None, "69.99")


async def test_a_coupon_that_does_not_apply_says_why_and_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    await fill(client, buyer, course)
    await create(client, admin, code="LATER", starts_at=(utcnow() + timedelta(days=1)).isoformat())
    await create(client, admin, code="BIGORDER", min_order_value="100", currency="USD")
    await create(client, admin, code="EUROS", type="fixed", discount_value="5", currency="EUR")

    for code, reason in (
        ("NOSUCH", "coupon_not_found"),
        ("LATER", "coupon_not_started"),
        ("BIGORDER", "coupon_min_order"),
        ("EUROS", "coupon_currency_mismatch"),
    ):
        answer = await client.post(f"{CART}/coupon", json={"code": code}, headers=bearer(buyer))
        assert_problem(answer, 422, reason)
    cart = await db.scalar(select(Cart).where(Cart.user_id == buyer.id))
    assert cart is not None
    assert cart.coupon_id is None


async def test_a_coupon_that_lapses_after_it_was_applied_shows_the_problem(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    await fill(client, buyer, course)
    await create(client, admin)
    await client.post(f"{CART}/coupon", json={"code": "SPRING20"}, headers=bearer(buyer))
    coupon = await db.scalar(select(Coupon).where(Coupon.code == "SPRING20"))
    assert coupon is not None
    coupon.expires_at = utcnow() - timedelta(minutes=1)
    await db.flush()

    body = (await client.get(CART, headers=bearer(buyer))).json()

    assert (body["discount"], body["total"]) == ("0", "49.99")
    assert body["coupon_problem"]["code"] == "coupon_expired"
    assert CartOut.model_validate(body).model_dump(mode="json") == body


async def test_guessing_coupon_codes_is_rate_limited(
    client: httpx.AsyncClient, buyer: User, course: Course
) -> None:
    await fill(client, buyer, course)
    answers = [
        await client.post(f"{CART}/coupon", json={"code": f"GUESS{n}"}, headers=bearer(buyer))
        for n in range(21)
    ]
    assert [a.status_code for a in answers[:20]] == [422] * 20
    assert_problem(answers[20], 429, "too_many_requests")


async def test_a_coupon_needs_a_signed_in_buyer(client: httpx.AsyncClient) -> None:
    assert_problem(
        await client.post(f"{CART}/coupon", json={"code": "SPRING20"}), 401, "unauthorized"
    )


async def test_a_percentage_coupon_in_yen_rounds_to_whole_yen(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User
) -> None:
    admin = await create_admin(db)
    yen = await on_sale(db, seller, "1499", currency="JPY")
    await fill(client, buyer, yen)
    await create(client, admin, code="YEN15", discount_value="15")

    body = (
        await client.post(f"{CART}/coupon", json={"code": "YEN15"}, headers=bearer(buyer))
    ).json()

    assert (body["discount"], body["total"]) == ("225", "1274")
    assert Decimal(body["discount"]) + Decimal(body["total"]) == Decimal(body["subtotal"])


async def test_a_cart_with_a_coupon_reads_in_the_same_statements_however_full(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, buyer: User, seller: User
) -> None:
    admin = await create_admin(db)
    await create(client, admin)
    counts = []
    for size in (1, 6):
        while (await client.get(CART, headers=bearer(buyer))).json()["count"] < size:
            await fill(client, buyer, await on_sale(db, seller, "3.00"))
        await client.post(f"{CART}/coupon", json={"code": "SPRING20"}, headers=bearer(buyer))
        with count_queries(engine) as statements:
            body = (await client.get(CART, headers=bearer(buyer))).json()
        assert body["discount"] != "0"
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 5, counts
