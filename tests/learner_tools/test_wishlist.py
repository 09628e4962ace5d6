"""The wishlist: published courses only, one row per course, enrolled flag, private."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.types import utcnow
from lectern.models import Course, CourseStatus, Enrollment, User, Wishlist
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH, create_course
from tests.factories.learner_tools import create_public_course, create_wish
from tests.learner_tools.conftest import ME
from tests.queries import count_queries

URL = f"{ME}/wishlist"


async def _rows(db: AsyncSession) -> list[tuple[int, int, bool]]:
    rows = await db.execute(
        select(Wishlist.user_id, Wishlist.course_id, Wishlist.price_alert).order_by(Wishlist.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def _counter(db: AsyncSession, course: Course) -> int:
    return int(await db.scalar(select(Course.total_wishlist).where(Course.id == course.id)) or 0)


async def test_add_is_idempotent(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User
) -> None:
    course = await create_public_course(
        db,
        owner,
        title="Rust",
        slug="rust",
        price=Decimal("49.99"),
        compare_price=Decimal("99.00"),
        thumbnail="https://cdn.example.test/rust.png",
    )
    body = {"course": str(course.uuid), "price_alert": True}
    first = await client.post(URL, json=body, headers=bearer(student))
    assert first.status_code == 201, first.text
    item = first.json()
    assert item["course"] == {
        "uuid": str(course.uuid),
        "title": "Rust",
        "slug": "rust",
        "thumbnail": "https://cdn.example.test/rust.png",
        "price_type": "paid",
        "price": "49.99",
        "compare_price": "99.00",
        "currency": "USD",
    }
    assert (item["price_alert"], item["enrolled"], item["available"]) == (True, False, True)
    again = await client.post(
        URL, json={"course": str(course.uuid), "price_alert": False}, headers=bearer(student)
    )
    assert again.status_code == 200
    assert again.json() == item  # the existing row, unchanged
    assert await _rows(db) == [(student.id, course.id, True)]
    assert await _counter(db, course) == 1

    got = await client.get(f"{URL}/{course.uuid}", headers=bearer(student))
    assert got.json() == item


async def test_only_published_approved_courses(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User
) -> None:
    draft = await create_course(db, owner)
    unapproved = await create_public_course(db, owner, is_approved=False)
    deleted = await create_public_course(db, owner, deleted_at=utcnow())
    for course_uuid in (draft.uuid, unapproved.uuid, deleted.uuid, uuid.uuid4()):
        body = {"course": str(course_uuid)}
        response = await client.post(URL, json=body, headers=bearer(student))
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "course"]
    bodies: list[dict[str, Any]] = [
        {},
        {"course": "nope"},
        {"course": str(draft.uuid), "price_alert": "maybe"},
        {"course": str(draft.uuid), "user_id": 3},
    ]
    for body in bodies:
        assert (await client.post(URL, json=body, headers=bearer(student))).status_code == 422
    assert await _rows(db) == []
    assert (await client.post(URL, json={"course": str(draft.uuid)})).status_code == 401


async def test_list_flags_enrolled_and_unavailable(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    stranger: User,
    owner: User,
    course: Course,
    enrollment: Enrollment,
) -> None:
    later = await create_public_course(db, owner, title="Later")
    pulled = await create_public_course(db, owner, title="Pulled")
    gone = await create_public_course(db, owner, title="Gone")
    await create_wish(db, student, course)
    await create_wish(db, student, later, price_alert=True)
    await create_wish(db, student, pulled)
    await create_wish(db, student, gone)
    await create_wish(db, stranger, later)
    pulled.status = CourseStatus.UNPUBLISHED
    gone.deleted_at = utcnow()
    await db.flush()

    response = await client.get(URL, headers=bearer(student))
    assert response.status_code == 200
    items = {i["course"]["title"]: i for i in response.json()["items"]}
    assert set(items) == {"Python 101", "Later", "Pulled"}
    assert items["Python 101"]["enrolled"] is True
    assert items["Later"]["enrolled"] is False
    assert items["Later"]["price_alert"] is True
    assert items["Pulled"]["available"] is False
    assert response.json()["meta"]["total"] == 3
    page = await client.get(URL, params={"per_page": 1}, headers=bearer(student))
    assert len(page.json()["items"]) == 1
    assert page.json()["meta"]["pages"] == 3


async def test_enrolled_course_can_be_added(
    client: httpx.AsyncClient, student: User, course: Course, enrollment: Enrollment
) -> None:
    response = await client.post(URL, json={"course": str(course.uuid)}, headers=bearer(student))
    assert response.status_code == 201
    assert response.json()["enrolled"] is True


async def test_list_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, student: User, owner: User
) -> None:
    async def statements() -> int:
        with count_queries(engine) as seen:
            assert (await client.get(URL, headers=bearer(student))).status_code == 200
        return len(seen)

    await create_wish(db, student, await create_public_course(db, owner))
    few = await statements()
    for _ in range(5):
        await create_wish(db, student, await create_public_course(db, owner))
    assert await statements() == few


async def test_update_alert_and_remove(
    client: httpx.AsyncClient, db: AsyncSession, student: User, stranger: User, course: Course
) -> None:
    await client.post(URL, json={"course": str(course.uuid)}, headers=bearer(student))
    url = f"{URL}/{course.uuid}"
    on = await client.patch(url, json={"price_alert": True}, headers=bearer(student))
    assert on.status_code == 200
    assert on.json()["price_alert"] is True
    for body in ({}, {"price_alert": None}, {"price_alert": True, "course": "x"}):
        assert (await client.patch(url, json=body, headers=bearer(student))).status_code == 422
    # Someone else's wishlist does not have it.
    assert (await client.get(url, headers=bearer(stranger))).status_code == 404
    stolen = await client.patch(url, json={"price_alert": False}, headers=bearer(stranger))
    assert stolen.status_code == 404
    assert (await client.delete(url, headers=bearer(stranger))).status_code == 404
    assert await _rows(db) == [(student.id, course.id, True)]
    assert await _counter(db, course) == 1

    assert (await client.delete(url, headers=bearer(student))).status_code == 204
    assert await _rows(db) == []
    assert await _counter(db, course) == 0
    assert (await client.delete(url, headers=bearer(student))).status_code == 404
    assert (await client.get(url, headers=bearer(student))).status_code == 404
    assert await _counter(db, course) == 0
    missing = await client.patch(url, json={"price_alert": True}, headers=bearer(student))
    assert missing.status_code == 404
    assert (await client.delete(url)).status_code == 401


def _user() -> User:
    n = uuid.uuid4().hex[:10]
    return User(name=n, username=f"u{n}", email=f"{n}@example.test", password_hash=PASSWORD_HASH)


async def test_parallel_adds_leave_one_row(live: Live) -> None:
    owner, student = _user(), _user()
    await live.add(owner, student)
    course = Course(
        instructor_id=owner.id,
        title="Racy",
        slug=f"racy-{uuid.uuid4().hex[:8]}",
        status=CourseStatus.PUBLISHED,
        is_published=True,
        is_approved=True,
    )
    await live.add(course)
    body = {"course": str(course.uuid)}
    responses = await asyncio.gather(
        *(live.client.post(URL, json=body, headers=bearer(student)) for _ in range(10))
    )
    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    async with live.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Wishlist).where(Wishlist.course_id == course.id)
        )
        total = await session.scalar(select(Course.total_wishlist).where(Course.id == course.id))
    assert (count, total) == (1, 1)
