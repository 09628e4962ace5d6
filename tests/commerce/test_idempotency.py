"""Idempotency-Key on checkout: a retry gets the first answer, never a second order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import idempotency
from lectern.errors import InvalidInput
from lectern.kit.types import utcnow
from lectern.models import Coupon, CouponType, Course, IdempotencyKey, Order, User
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import CART
from tests.conftest import bearer
from tests.factories import create_user

CHECKOUT = "/api/v1/checkout"


async def ready(client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course) -> None:
    db.add(Coupon(code="ONUS", name="On us", type=CouponType.FREE, discount_value=Decimal(0)))
    await db.flush()
    await client.post(f"{CART}/items", json={"course": str(course.uuid)}, headers=bearer(buyer))
    await client.post(f"{CART}/coupon", json={"code": "ONUS"}, headers=bearer(buyer))


async def orders(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Order)) or 0)


async def test_a_retry_with_the_same_key_gets_the_first_order(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await ready(client, db, buyer, course)
    headers = {**bearer(buyer), "Idempotency-Key": "checkout-7f3a9c"}

    first = await client.post(CHECKOUT, json={}, headers=headers)
    again = await client.post(CHECKOUT, json={}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await orders(db) == 1


async def test_without_a_key_a_second_checkout_is_a_new_request(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await ready(client, db, buyer, course)
    assert (await client.post(CHECKOUT, json={}, headers=bearer(buyer))).status_code == 201
    # The cart is empty now: the second one is its own request, and is refused.
    assert_problem(await client.post(CHECKOUT, json={}, headers=bearer(buyer)), 409, "cart_empty")


async def test_a_request_that_failed_leaves_its_key_free(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    headers = {**bearer(buyer), "Idempotency-Key": "checkout-retry-1"}
    assert_problem(await client.post(CHECKOUT, json={}, headers=headers), 409, "cart_empty")
    await ready(client, db, buyer, course)

    assert (await client.post(CHECKOUT, json={}, headers=headers)).status_code == 201


async def test_keys_are_each_users_own(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await ready(client, db, buyer, course)
    other = await create_user(db)
    key = {"Idempotency-Key": "shared-key-123"}
    await client.post(CHECKOUT, json={}, headers={**bearer(buyer), **key})

    answer = await client.post(CHECKOUT, json={}, headers={**bearer(other), **key})

    assert_problem(answer, 409, "cart_empty")  # not the other user's order


async def test_a_malformed_key_is_refused(client: httpx.AsyncClient, buyer: User) -> None:
    answer = await client.post(
        CHECKOUT, json={}, headers={**bearer(buyer), "Idempotency-Key": "no spaces allowed"}
    )
    assert_problem(answer, 422, "validation_error")


async def test_the_same_key_with_another_request_is_refused(db: AsyncSession, buyer: User) -> None:
    assert await idempotency.claim(db, buyer.id, "checkout", "key-12345", {"a": 1}) is None
    await idempotency.remember(db, buyer.id, "checkout", "key-12345", 201, {"ok": True})

    assert await idempotency.claim(db, buyer.id, "checkout", "key-12345", {"a": 1}) == (
        idempotency.Stored(201, {"ok": True})
    )
    with pytest.raises(InvalidInput) as refused:
        await idempotency.claim(db, buyer.id, "checkout", "key-12345", {"a": 2})
    assert refused.value.code == "idempotency_key_reused"


async def test_keys_are_forgotten_after_a_day(db: AsyncSession, buyer: User) -> None:
    await idempotency.claim(db, buyer.id, "checkout", "old-key-1", {})
    await idempotency.claim(db, buyer.id, "checkout", "new-key-1", {})
    old = await db.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "old-key-1"))
    assert old is not None
    old.created_at = utcnow() - timedelta(hours=25)
    await db.flush()

    assert await idempotency.forget_expired(db) == 1
    left = list(await db.scalars(select(IdempotencyKey.key)))
    assert left == ["new-key-1"]
