"""User profiles: the owner's view and edits, completeness, the public view."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import UserProfile, UserStatus
from lectern.users.policy import PRIVATE_PROFILE_FIELDS
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.users import create_admin, create_profile

ME = "/api/v1/users/me/profile"
COMPLETE = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "avatar": "https://cdn.example.test/ada.png",
    "headline": "Analyst",
    "bio": "Notes on the engine.",
    "country": "United Kingdom",
}


async def _profile_count(db: AsyncSession, user_id: int) -> int:
    return int(
        await db.scalar(
            select(func.count()).select_from(UserProfile).where(UserProfile.user_id == user_id)
        )
        or 0
    )


async def test_an_unedited_profile_reads_empty_and_creates_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    response = await client.get(ME, headers=bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body["first_name"] is None
    assert body["skills"] == []
    assert body["profile_completed"] is False
    assert body["completion"] == 0
    assert set(body["missing"]) == set(COMPLETE)
    assert await _profile_count(db, user.id) == 0


async def test_the_first_edit_creates_the_profile(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    response = await client.patch(
        ME,
        headers=bearer(user),
        json={
            "first_name": " Ada ",
            "date_of_birth": "1990-12-10",
            "gender": "female",
            "skills": ["Python", "python", "SQL"],
            "twitter": "@ada",
            "website": "https://ada.example.test",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["first_name"] == "Ada"
    assert body["skills"] == ["Python", "SQL"]  # duplicates dropped, whatever their case
    assert body["profile_completed"] is False
    assert body["completion"] == 17
    profile = await db.scalar(select(UserProfile).where(UserProfile.user_id == user.id))
    assert profile is not None
    assert profile.date_of_birth == date(1990, 12, 10)
    assert profile.twitter == "@ada"
    assert await _profile_count(db, user.id) == 1


async def test_filling_the_key_fields_completes_the_profile_and_clearing_one_undoes_it(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    response = await client.patch(ME, headers=bearer(user), json=COMPLETE)
    assert response.json()["profile_completed"] is True
    assert response.json()["completion"] == 100
    profile = await db.scalar(select(UserProfile).where(UserProfile.user_id == user.id))
    assert profile is not None
    assert profile.profile_completed is True

    response = await client.patch(ME, headers=bearer(user), json={"bio": None})
    assert response.status_code == 200
    assert response.json()["profile_completed"] is False
    assert response.json()["missing"] == ["bio"]
    await db.refresh(profile)
    assert profile.bio is None
    assert profile.profile_completed is False
    assert profile.first_name == "Ada"  # fields not sent stay


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": 1},
        {"profile_completed": True},
        {"role": "admin"},
        {"first_name": "x" * 101},
        {"first_name": ""},
        {"first_name": "a\u0000b"},
        {"first_name": 5},
        {"bio": "x" * 5001},
        {"headline": "x" * 256},
        {"avatar": "javascript:alert(1)"},
        {"avatar": "ftp://example.test/a.png"},
        {"avatar": "not a url"},
        {"website": "https://" + "a" * 1020},
        {"twitter": "javascript:alert(1)"},
        {"linkedin": "data:text/html,hi"},
        {"date_of_birth": "2999-01-01"},
        {"date_of_birth": "1800-01-01"},
        {"date_of_birth": "yesterday"},
        {"gender": "robot"},
        {"timezone": "Nowhere/City"},
        {"language": "not a language"},
        {"skills": "Python"},
        {"skills": ["x" * 101]},
        {"skills": [""]},
        {"skills": [f"s{i}" for i in range(51)]},
        {"interests": [1, 2]},
        {"learning_goals": [f"g{i}" for i in range(21)]},
    ],
)
async def test_bad_profile_input_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, body: dict[str, object]
) -> None:
    user = await create_user(db)
    profile = await create_profile(db, user, first_name="Kept", skills=["Go"])
    response = await client.patch(ME, headers=bearer(user), json=body)
    assert response.status_code == 422, response.text
    await db.refresh(profile)
    assert profile.first_name == "Kept"
    assert profile.skills == ["Go"]
    assert profile.profile_completed is False


async def test_profile_routes_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(ME)).status_code == 401
    assert (await client.patch(ME, json={"bio": "x"})).status_code == 401


# -- the public view -----------------------------------------------------------------------


async def test_the_public_profile_hides_private_fields(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db, name="Ada L.")
    await create_profile(
        db,
        user,
        first_name="Augusta",
        last_name="King",
        date_of_birth=date(1990, 12, 10),
        gender="female",
        learning_goals=["secret goal"],
        timezone="Europe/London",
        language="en-GB",
        headline="Analyst",
        skills=["Maths"],
        github="https://github.com/ada",
    )
    response = await client.get(f"/api/v1/users/{user.uuid}/profile")  # anonymous
    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(user.uuid)
    assert body["name"] == "Ada L."
    assert body["username"] == user.username
    assert body["headline"] == "Analyst"
    assert body["skills"] == ["Maths"]
    assert body["github"] == "https://github.com/ada"
    for private in (*PRIVATE_PROFILE_FIELDS, "email", "id", "password_hash", "role", "status"):
        assert private not in body
    for value in ("Augusta", "King", "1990-12-10", "secret goal", "female", "Europe/London"):
        assert value not in response.text


async def test_a_public_profile_without_a_row(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_user(db)
    response = await client.get(f"/api/v1/users/{user.uuid}/profile")
    assert response.status_code == 200
    assert response.json()["headline"] is None
    assert response.json()["skills"] == []


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": UserStatus.SUSPENDED},
        {"status": UserStatus.BLOCKED},
        {"status": UserStatus.INACTIVE},
        {"deleted_at": "now"},
    ],
)
async def test_hidden_accounts_have_no_public_profile(
    client: httpx.AsyncClient, db: AsyncSession, hidden: dict[str, object]
) -> None:
    values = {k: (utcnow() if v == "now" else v) for k, v in hidden.items()}
    user = await create_user(db, **values)
    await create_profile(db, user, headline="Hidden")
    viewer = await create_user(db)
    response = await client.get(f"/api/v1/users/{user.uuid}/profile", headers=bearer(viewer))
    assert response.status_code == 404
    assert "Hidden" not in response.text
    # ...but an admin still sees it.
    admin = await create_admin(db)
    response = await client.get(f"/api/v1/users/{user.uuid}/profile", headers=bearer(admin))
    assert response.status_code == 200
    assert response.json()["headline"] == "Hidden"


async def test_an_unknown_user_is_404_and_a_malformed_uuid_422(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/api/v1/users/{uuid.uuid4()}/profile")).status_code == 404
    assert (await client.get("/api/v1/users/not-a-uuid/profile")).status_code == 422
