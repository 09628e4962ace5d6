"""Co-instructors: invited by the owner or an admin, shares never above 100 %."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, Course, CourseInstructor, User
from tests.conftest import bearer
from tests.courses.conftest import BASE
from tests.factories import create_course, create_user
from tests.factories.courses import create_co_instructor, create_instructor


async def _links(db: AsyncSession, course: Course) -> dict[int, CourseInstructor]:
    rows = await db.scalars(
        select(CourseInstructor)
        .where(CourseInstructor.course_id == course.id)
        .execution_options(populate_existing=True)
    )
    return {row.instructor_id: row for row in rows}


async def test_owner_adds_a_co_instructor(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    response = await client.post(
        f"{BASE}/{course.uuid}/instructors",
        json={"user": str(other.uuid), "role": "assistant", "revenue_share": "30.5"},
        headers=bearer(owner),
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "user": {"uuid": str(other.uuid), "name": other.name, "username": other.username},
        "role": "assistant",
        "revenue_share": "30.50",
    }
    links = await _links(db, course)
    assert links[other.id].revenue_share == Decimal("30.50")
    detail = await client.get(f"{BASE}/{course.uuid}", headers=bearer(other))
    assert detail.status_code == 200
    assert detail.json()["co_instructors"][0]["user"]["uuid"] == str(other.uuid)


async def test_shares_never_pass_100(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    third = await create_instructor(db)
    await create_co_instructor(db, course, other, share="60")
    url = f"{BASE}/{course.uuid}/instructors"
    over = await client.post(
        url, json={"user": str(third.uuid), "revenue_share": "40.01"}, headers=bearer(owner)
    )
    assert over.status_code == 422
    assert third.id not in await _links(db, course)
    exact = await client.post(
        url, json={"user": str(third.uuid), "revenue_share": "40"}, headers=bearer(owner)
    )
    assert exact.status_code == 201
    # Raising one share past the total is refused too; lowering it is fine.
    raise_ = await client.patch(
        f"{url}/{other.uuid}", json={"revenue_share": "60.01"}, headers=bearer(owner)
    )
    assert raise_.status_code == 422
    lower = await client.patch(
        f"{url}/{other.uuid}",
        json={"revenue_share": "10", "role": "assistant"},
        headers=bearer(owner),
    )
    assert lower.status_code == 200
    assert lower.json()["revenue_share"] == "10.00"
    total = await db.scalar(
        select(func.sum(CourseInstructor.revenue_share)).where(
            CourseInstructor.course_id == course.id
        )
    )
    assert total == Decimal("50")


async def test_invitee_must_be_an_approved_instructor(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, student: User
) -> None:
    course = await create_course(db, owner)
    url = f"{BASE}/{course.uuid}/instructors"
    unapproved = await create_user(db, role="instructor")
    for user in (student, unapproved, owner):
        response = await client.post(url, json={"user": str(user.uuid)}, headers=bearer(owner))
        assert response.status_code == 422
    unknown = await client.post(
        url, json={"user": "00000000-0000-0000-0000-000000000000"}, headers=bearer(owner)
    )
    assert unknown.status_code == 422
    assert await _links(db, course) == {}


async def test_duplicate_invitation_is_409(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    await create_co_instructor(db, course, other)
    response = await client.post(
        f"{BASE}/{course.uuid}/instructors", json={"user": str(other.uuid)}, headers=bearer(owner)
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": "nope"},
        {"user": "00000000-0000-0000-0000-000000000001", "revenue_share": "101"},
        {"user": "00000000-0000-0000-0000-000000000001", "revenue_share": "-1"},
        {"user": "00000000-0000-0000-0000-000000000001", "role": "primary"},
        {"user": "00000000-0000-0000-0000-000000000001", "course_id": 1},
    ],
)
async def test_add_refuses_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, body: dict[str, Any]
) -> None:
    course = await create_course(db, owner)
    response = await client.post(
        f"{BASE}/{course.uuid}/instructors", json=body, headers=bearer(owner)
    )
    assert response.status_code == 422


async def test_only_owner_and_admin_manage_the_team(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User, admin: User
) -> None:
    course = await create_course(db, owner)
    await create_co_instructor(db, course, other)
    third = await create_instructor(db)
    url = f"{BASE}/{course.uuid}/instructors"
    as_co = await client.post(url, json={"user": str(third.uuid)}, headers=bearer(other))
    assert as_co.status_code == 403
    stranger = await create_instructor(db)
    as_stranger = await client.post(url, json={"user": str(third.uuid)}, headers=bearer(stranger))
    assert as_stranger.status_code == 404
    assert (await client.post(url, json={"user": str(third.uuid)})).status_code == 401
    removed_by_co = await client.delete(f"{url}/{other.uuid}", headers=bearer(other))
    assert removed_by_co.status_code == 403
    as_admin = await client.post(url, json={"user": str(third.uuid)}, headers=bearer(admin))
    assert as_admin.status_code == 201
    entry = await db.scalar(
        select(ActivityLog).where(ActivityLog.event == "course.instructor_added")
    )
    assert entry is not None
    assert entry.user_id == admin.id


async def test_remove_a_co_instructor(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    await create_co_instructor(db, course, other)
    url = f"{BASE}/{course.uuid}/instructors/{other.uuid}"
    assert (await client.delete(url, headers=bearer(owner))).status_code == 204
    assert await _links(db, course) == {}
    assert (await client.delete(url, headers=bearer(owner))).status_code == 404
    # The former co-instructor no longer sees the course.
    assert (await client.get(f"{BASE}/{course.uuid}", headers=bearer(other))).status_code == 404
