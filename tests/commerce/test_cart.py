"""The cart: guests and users fill it, one currency, priced now, merged on sign-in."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.commerce.cart.schemas import CartOut
from lectern.commerce.cart.service import token_hash
from lectern.kit.types import utcnow
from lectern.models import (
    Cart,
    CartItem,
    Course,
    CoursePriceType,
    CourseStatus,
    EnrollmentStatus,
    EnrollmentType,
    User,
)
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import CART, on_sale
from tests.conftest import bearer
from tests.factories import create_enrollment
from tests.factories.courses import create_co_instructor
from tests.queries import count_queries

TOKEN = "X-Cart-Token"


async def add(
    client: httpx.AsyncClient, course: Course, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(f"{CART}/items", json={"course": str(course.uuid)}, headers=headers)


async def lines(db: AsyncSession, cart_id: int) -> list[int]:
    rows = await db.scalars(
        select(CartItem.course_id).where(CartItem.cart_id == cart_id).order_by(CartItem.id)
    )
    return list(rows)


# -- signed in ---------------------------------------------------------------------------------


async def test_a_user_fills_one_cart(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    second = await on_sale(db, seller, "10.00", title="SQL Basics")

    first = await add(client, course, bearer(buyer))
    again = await add(client, course, bearer(buyer))
    other = await add(client, second, bearer(buyer))

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert TOKEN not in first.headers  # a user needs no token
    body = other.json()
    assert [item["course"]["title"] for item in body["items"]] == [
        "Python for Everyone",
        "SQL Basics",
    ]
    assert body["items"][0]["course"]["instructor_name"] == "Sally Seller"
    assert (body["currency"], body["subtotal"], body["count"]) == ("USD", "59.99", 2)
    # Answered straight from the rows, as the model would answer it.
    assert CartOut.model_validate(body).model_dump(mode="json") == body
    read = await client.get(CART, headers=bearer(buyer))
    assert read.json() == body
    assert read.headers["cache-control"] == "no-store"
    carts = list(await db.scalars(select(Cart).where(Cart.user_id == buyer.id)))
    assert len(carts) == 1
    assert await lines(db, carts[0].id) == [course.id, second.id]


async def test_the_cart_shows_todays_price(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await add(client, course, bearer(buyer))
    course.price = Decimal("39.99")
    await db.flush()

    body = (await client.get(CART, headers=bearer(buyer))).json()

    item = body["items"][0]
    assert (item["price"], item["price_when_added"], item["purchasable"]) == (
        "39.99",
        "49.99",
        True,
    )
    assert body["subtotal"] == "39.99"


async def test_a_line_that_can_no_longer_be_bought_says_why(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await add(client, course, bearer(buyer))
    course.status = CourseStatus.UNPUBLISHED
    await db.flush()

    body = (await client.get(CART, headers=bearer(buyer))).json()

    assert (body["items"][0]["purchasable"], body["items"][0]["reason"]) == (
        False,
        "course_unavailable",
    )
    assert body["subtotal"] == "0"
    assert CartOut.model_validate(body).model_dump(mode="json") == body


async def test_a_line_is_taken_out_by_its_owner_only(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    item_id = (await add(client, course, bearer(buyer))).json()["items"][0]["id"]
    stranger = User(name="S", username="stranger", email="stranger@x.test", password_hash="x")
    db.add(stranger)
    await db.flush()

    refused = await client.delete(f"{CART}/items/{item_id}", headers=bearer(stranger))
    assert_problem(refused, 404, "not_found")
    assert (await client.get(CART, headers=bearer(buyer))).json()["count"] == 1

    removed = await client.delete(f"{CART}/items/{item_id}", headers=bearer(buyer))
    assert removed.status_code == 204
    assert (await client.get(CART, headers=bearer(buyer))).json()["items"] == []


# -- what cannot go in -------------------------------------------------------------------------


async def test_what_cannot_be_bought_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    draft = await on_sale(db, seller, status=CourseStatus.DRAFT, is_published=False)
    free = await on_sale(db, seller, price_type=CoursePriceType.FREE)
    free.price = None
    members_only = await on_sale(db, seller, price_type=CoursePriceType.SUBSCRIPTION)
    members_only.price = None
    await db.flush()

    for refused_course, code in (
        (draft, "course_unavailable"),
        (free, "course_free"),
        (members_only, "not_for_sale"),
        (course, "own_course"),
    ):
        who = seller if code == "own_course" else buyer
        assert_problem(await add(client, refused_course, bearer(who)), 409, code)
    missing = await client.post(
        f"{CART}/items", json={"course": "00000000-0000-4000-8000-000000000000"},
        headers=bearer(buyer),
    )  # fmt: skip
    assert_problem(missing, 422, "course_not_found")
    assert await db.scalar(select(func.count()).select_from(CartItem)) == 0


async def test_a_co_instructor_cannot_buy_the_course_they_teach(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await create_co_instructor(db, course, buyer)
    assert_problem(await add(client, course, bearer(buyer)), 409, "own_course")


async def test_a_course_owned_for_life_is_refused_but_lapsed_access_can_be_bought(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    await create_enrollment(db, buyer, course)
    assert_problem(await add(client, course, bearer(buyer)), 409, "already_owned")

    expired = await on_sale(db, seller)
    await create_enrollment(db, buyer, expired, expires_at=utcnow() - timedelta(days=1))
    refunded = await on_sale(db, seller)
    await create_enrollment(db, buyer, refunded, status=EnrollmentStatus.REFUNDED, is_active=False)
    through_plan = await on_sale(db, seller)
    await create_enrollment(db, buyer, through_plan, enrollment_type=EnrollmentType.SUBSCRIPTION)
    limited = await on_sale(db, seller)
    await create_enrollment(db, buyer, limited, expires_at=utcnow() + timedelta(days=10))

    for buyable in (expired, refunded, through_plan, limited):
        assert (await add(client, buyable, bearer(buyer))).status_code == 201
    assert (await client.get(CART, headers=bearer(buyer))).json()["count"] == 4


async def test_a_cart_holds_one_currency(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    yen = await on_sale(db, seller, "1500", currency="JPY")
    await add(client, course, bearer(buyer))

    refused = assert_problem(await add(client, yen, bearer(buyer)), 409, "currency_mismatch")
    assert refused["cart_currency"] == "USD"
    assert (await client.get(CART, headers=bearer(buyer))).json()["count"] == 1


async def test_a_zero_decimal_currency_is_priced_in_whole_units(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User
) -> None:
    yen = await on_sale(db, seller, "1500", currency="JPY")

    body = (await add(client, yen, bearer(buyer))).json()

    assert (body["currency"], body["items"][0]["price"], body["subtotal"]) == (
        "JPY",
        "1500",
        "1500",
    )


# -- guests ------------------------------------------------------------------------------------


async def test_a_guest_gets_a_token_for_their_cart(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, course: Course
) -> None:
    second = await on_sale(db, seller, "5.00")

    first = await add(client, course)
    token = first.headers[TOKEN]
    more = await add(client, second, {TOKEN: token})

    assert first.status_code == more.status_code == 201
    assert TOKEN not in more.headers  # sent once, when the cart was made
    assert CartOut.model_validate(more.json()).model_dump(mode="json") == more.json()
    assert (await client.get(CART)).json()["count"] == 0  # no token, no cart
    assert (await client.get(CART, headers={TOKEN: token})).json()["count"] == 2
    cart = await db.scalar(select(Cart).where(Cart.session_id == token_hash(token)))
    assert cart is not None
    assert cart.user_id is None
    assert cart.session_id != token  # only its hash is kept


async def test_a_bad_token_is_a_clear_error(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(CART, headers={TOKEN: "not a token!"}), 422, "validation_error")


async def test_signing_in_merges_the_guest_cart_without_duplicates(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    both = await on_sale(db, seller, "5.00", title="In both")
    await add(client, both, bearer(buyer))
    token = (await add(client, course)).headers[TOKEN]
    await add(client, both, {TOKEN: token})

    merged = await client.get(CART, headers={**bearer(buyer), TOKEN: token})

    assert [item["course"]["title"] for item in merged.json()["items"]] == [
        "In both",
        "Python for Everyone",
    ]
    assert await db.scalar(select(func.count()).select_from(Cart)) == 1
    # The token is spent: it names no cart any more.
    assert (await client.get(CART, headers={TOKEN: token})).json()["count"] == 0


async def test_a_guest_cart_becomes_the_users_when_they_had_none(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    token = (await add(client, course)).headers[TOKEN]

    merged = await client.get(CART, headers={**bearer(buyer), TOKEN: token})

    assert merged.json()["count"] == 1
    cart = await db.scalar(select(Cart).where(Cart.user_id == buyer.id))
    assert cart is not None
    assert await lines(db, cart.id) == [course.id]


async def test_a_merged_line_the_user_owns_is_shown_as_owned(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    token = (await add(client, course)).headers[TOKEN]
    await create_enrollment(db, buyer, course)

    body = (await client.get(CART, headers={**bearer(buyer), TOKEN: token})).json()

    assert (body["items"][0]["reason"], body["subtotal"]) == ("already_owned", "0")


# -- cost ----------------------------------------------------------------------------------------


async def test_reading_the_cart_runs_the_same_statements_however_full(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, buyer: User, seller: User
) -> None:
    counts = []
    for size in (1, 8):
        while (await client.get(CART, headers=bearer(buyer))).json()["count"] < size:
            await add(client, await on_sale(db, seller, "3.00"), bearer(buyer))
        with count_queries(engine) as statements:
            await client.get(CART, headers=bearer(buyer))
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 3, counts


async def test_a_merged_line_in_another_currency_is_not_added_up(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    yen = await on_sale(db, seller, "1500", currency="JPY")
    await add(client, course, bearer(buyer))
    token = (await add(client, yen)).headers[TOKEN]

    body = (await client.get(CART, headers={**bearer(buyer), TOKEN: token})).json()

    assert [item["reason"] for item in body["items"]] == [None, "currency_mismatch"]
    assert (body["currency"], body["subtotal"]) == ("USD", "49.99")
