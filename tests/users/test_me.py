"""GET/PATCH /users/me: the caller's own account basics."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import UserRole, UserStatus
from tests.conftest import bearer
from tests.factories import create_user

SECRET_KEYS = {"password_hash", "two_factor_secret", "two_factor_recovery_codes", "id"}


async def test_me_shows_the_account_without_secrets(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(
        db,
        name="Ada",
        two_factor_secret="JBSWY3DPEHPK3PXP",
        two_factor_enabled_at=utcnow(),
        two_factor_recovery_codes=["hash1"],
        email_verified_at=utcnow(),
    )
    response = await client.get("/api/v1/users/me", headers=bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(user.uuid)
    assert body["name"] == "Ada"
    assert body["email"] == user.email
    assert body["role"] == "student"
    assert body["two_factor_enabled"] is True
    assert body["email_verified"] is True
    assert not SECRET_KEYS & body.keys()
    assert "JBSWY3DPEHPK3PXP" not in response.text


async def test_me_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/users/me")).status_code == 401
    assert (await client.patch("/api/v1/users/me", json={"name": "X"})).status_code == 401


async def test_update_me_changes_name_language_timezone(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db, name="Old")
    response = await client.patch(
        "/api/v1/users/me",
        headers=bearer(user),
        json={"name": "  New Name ", "language": "pt-BR", "timezone": "Europe/Paris"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "New Name"
    await db.refresh(user)
    assert (user.name, user.language, user.timezone) == ("New Name", "pt-BR", "Europe/Paris")


async def test_update_me_leaves_fields_not_sent(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db, name="Keep", language="fr", timezone="Europe/Paris")
    response = await client.patch(
        "/api/v1/users/me", headers=bearer(user), json={"timezone": "UTC"}
    )
    assert response.status_code == 200
    await db.refresh(user)
    assert (user.name, user.language, user.timezone) == ("Keep", "fr", "UTC")


@pytest.mark.parametrize(
    "body",
    [
        {"role": "admin"},
        {"status": "active"},
        {"email": "new@example.test"},
        {"username": "newname"},
        {"password_hash": "x"},
        {"name": None},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 121},
        {"name": "bad\u0000name"},
        {"name": 12},
        {"language": "english please"},
        {"language": "e"},
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": "../../etc/passwd"},
        {"timezone": None},
        {"timezone": "x" * 65},
    ],
)
async def test_update_me_refuses_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, body: dict[str, object]
) -> None:
    user = await create_user(db, name="Same")
    response = await client.patch("/api/v1/users/me", headers=bearer(user), json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    await db.refresh(user)
    assert user.name == "Same"
    assert user.role == UserRole.STUDENT
    assert user.status == UserStatus.ACTIVE
    assert (user.language, user.timezone) == ("en", "UTC")


async def test_a_suspended_user_cannot_use_the_api(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db, status=UserStatus.SUSPENDED)
    response = await client.get("/api/v1/users/me", headers=bearer(user))
    assert response.status_code == 401
    assert response.json()["type"].endswith("account_disabled")
