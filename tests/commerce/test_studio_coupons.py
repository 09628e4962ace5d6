"""Instructors' coupons: for their own courses, within a monthly allowance per course, taken
off their courses only."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Coupon, Course, SettingType, User
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import CART, on_sale
from tests.conftest import bearer
from tests.factories.courses import create_instructor
from tests.factories.platform import create_setting

STUDIO = "/api/v1/studio/coupons"


async def create(
    client: httpx.AsyncClient, who: User, course: Course, code: str, **values: Any
) -> httpx.Response:
    body = {
        "code": code,
        "name": "Launch",
        "discount_value": "30",
        "applicable_courses": [str(course.uuid)],
        **values,
    }
    return await client.post(STUDIO, json=body, headers=bearer(who))


async def test_an_instructor_makes_a_coupon_for_their_course(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, course: Course
) -> None:
    created = await create(client, seller, course, "LAUNCH30")

    assert created.status_code == 201, created.text
    coupon = await db.scalar(select(Coupon).where(Coupon.code == "LAUNCH30"))
    assert coupon is not None
    assert (coupon.instructor_id, coupon.applicable_courses) == (seller.id, [course.id])
    mine = (await client.get(STUDIO, headers=bearer(seller))).json()["items"]
    assert [c["code"] for c in mine] == ["LAUNCH30"]


async def test_another_instructors_course_or_coupon_is_out_of_reach(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, course: Course
) -> None:
    rival = await create_instructor(db, name="Rita Rival")
    assert_problem(await create(client, rival, course, "STEAL"), 422, "not_your_course")
    coupon_id = (await create(client, seller, course, "MINE30")).json()["id"]
    for answer in (
        await client.get(f"{STUDIO}/{coupon_id}", headers=bearer(rival)),
        await client.delete(f"{STUDIO}/{coupon_id}", headers=bearer(rival)),
    ):
        assert_problem(answer, 404, "not_found")
    assert (await client.get(STUDIO, headers=bearer(rival))).json()["items"] == []
    stored = await db.scalar(select(Coupon).where(Coupon.id == coupon_id))
    assert stored is not None
    assert stored.deleted_at is None


async def test_students_do_not_make_coupons(
    client: httpx.AsyncClient, buyer: User, course: Course
) -> None:
    assert_problem(await create(client, buyer, course, "FREE4ME"), 403, "not_an_instructor")


async def test_a_course_gets_its_monthly_allowance_of_coupons(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, course: Course
) -> None:
    answers = [await create(client, seller, course, f"DEAL{n}") for n in range(4)]
    assert [a.status_code for a in answers[:3]] == [201] * 3
    refused = assert_problem(answers[3], 409, "coupon_allowance_used")
    assert refused["allowance"] == 3
    # Deleting one does not give it back; another course has its own allowance.
    await client.delete(f"{STUDIO}/{answers[0].json()['id']}", headers=bearer(seller))
    assert_problem(await create(client, seller, course, "DEAL9"), 409, "coupon_allowance_used")
    other = await on_sale(db, seller)
    assert (await create(client, seller, other, "OTHER1")).status_code == 201
    assert await db.scalar(select(func.count()).select_from(Coupon)) == 4


async def test_free_coupons_have_a_smaller_allowance_set_by_the_platform(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, course: Course
) -> None:
    await create_setting(db, "coupons.instructor_free_monthly_per_course", 1, SettingType.INTEGER)
    first = await create(client, seller, course, "GIFT1", type="free", discount_value="0")
    second = await create(client, seller, course, "GIFT2", type="free", discount_value="0")

    assert first.status_code == 201, first.text
    assert_problem(second, 409, "coupon_allowance_used")
    assert (await create(client, seller, course, "HALF1")).status_code == 201


async def test_an_instructors_coupon_takes_off_their_courses_only(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    rival = await create_instructor(db, name="Rita Rival")
    theirs = await on_sale(db, rival, "20.00")
    await create(client, seller, course, "SALLY30")
    for c in (course, theirs):
        await client.post(f"{CART}/items", json={"course": str(c.uuid)}, headers=bearer(buyer))

    body = (
        await client.post(f"{CART}/coupon", json={"code": "SALLY30"}, headers=bearer(buyer))
    ).json()

    # 30 % of Sally's 49.99 = 14.997 → 15.00; Rita's course is untouched.
    assert (body["subtotal"], body["discount"], body["total"]) == ("69.99", "15.00", "54.99")
