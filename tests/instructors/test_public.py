"""The public instructor page: GET /instructors/{username}."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import InstructorProfileStatus, UserProfile, UserStatus
from tests.factories import create_user
from tests.factories.instructors import create_profile
from tests.instructors.conftest import BASE, QueryCounter


async def test_an_approved_instructor_has_a_public_page(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db, username="grace", name="Grace Hopper")
    await create_profile(
        db,
        user,
        status=InstructorProfileStatus.APPROVED,
        headline="Admiral",
        rating=Decimal("4.75"),
        total_reviews=12,
        total_students=340,
        total_courses=3,
        total_earnings=Decimal("999.99"),
        social_links={"website": "https://grace.example.com"},
    )
    db.add(UserProfile(user_id=user.id, avatar="https://cdn.example.com/g.png"))
    await db.flush()

    response = await client.get(f"{BASE}/Grace")  # usernames ignore case

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["headline"] == "Admiral"
    assert (body["rating"], body["total_reviews"], body["total_students"]) == ("4.75", 12, 340)
    assert body["total_courses"] == 3
    assert body["social_links"] == {"website": "https://grace.example.com"}
    assert body["user"] == {
        "uuid": str(user.uuid),
        "username": "grace",
        "name": "Grace Hopper",
        "avatar": "https://cdn.example.com/g.png",
    }
    for private in (
        "email",
        "status",
        "commission_rate",
        "total_earnings",
        "pending_earnings",
        "rejection_reason",
        "id",
        "user_id",
    ):
        assert private not in body
        assert private not in body["user"]
    assert user.email not in response.text


async def test_a_public_page_needs_no_token_and_ignores_one(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    await create_profile(db, user, status=InstructorProfileStatus.APPROVED)
    anonymous = await client.get(f"{BASE}/{user.username}")
    garbled = await client.get(f"{BASE}/{user.username}", headers={"Authorization": "Bearer x"})
    for response in (anonymous, garbled):
        assert response.status_code == 200, response.text
        assert response.json()["user"]["username"] == user.username


@pytest.mark.parametrize(
    "status",
    [
        InstructorProfileStatus.PENDING,
        InstructorProfileStatus.REJECTED,
        InstructorProfileStatus.SUSPENDED,
    ],
)
async def test_only_approved_profiles_are_public(
    client: httpx.AsyncClient, db: AsyncSession, status: InstructorProfileStatus
) -> None:
    user = await create_user(db)
    await create_profile(db, user, status=status)
    response = await client.get(f"{BASE}/{user.username}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "user_values",
    [
        {"status": UserStatus.SUSPENDED},
        {"status": UserStatus.BLOCKED},
        {"status": UserStatus.INACTIVE},
        {"status": UserStatus.PENDING},
        {"deleted_at": utcnow()},
    ],
)
async def test_inactive_users_have_no_public_page(
    client: httpx.AsyncClient, db: AsyncSession, user_values: dict[str, object]
) -> None:
    user = await create_user(db, **user_values)
    await create_profile(db, user, status=InstructorProfileStatus.APPROVED)
    assert (await client.get(f"{BASE}/{user.username}")).status_code == 404


async def test_removed_profiles_and_non_instructors_are_404(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    removed = await create_user(db)
    await create_profile(db, removed, status=InstructorProfileStatus.APPROVED, deleted_at=utcnow())
    plain = await create_user(db)
    assert (await client.get(f"{BASE}/{removed.username}")).status_code == 404
    assert (await client.get(f"{BASE}/{plain.username}")).status_code == 404
    assert (await client.get(f"{BASE}/nobody-at-all")).status_code == 404
    assert (await client.get(f"{BASE}/{'x' * 51}")).status_code == 422


async def test_the_public_page_is_one_query(
    client: httpx.AsyncClient, db: AsyncSession, queries: QueryCounter
) -> None:
    user = await create_user(db)
    await create_profile(db, user, status=InstructorProfileStatus.APPROVED)
    queries.statements.clear()
    assert (await client.get(f"{BASE}/{user.username}")).status_code == 200
    assert queries.count == 1, queries.statements
