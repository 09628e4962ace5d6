"""Signing in: by e-mail or username, refused for wrong credentials and disabled accounts,
re-hashing weak hashes, logged, and rate limited."""

from __future__ import annotations

import httpx
import pytest
from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import UserStatus
from lectern.security.passwords import needs_rehash, verify_now
from lectern.security.tokens import decode_access_token
from tests.auth.helpers import API, activity, assert_problem, auth, login
from tests.conftest import app_client
from tests.factories.auth import PASSWORD, create_account


@pytest.mark.parametrize("by", ["email", "username"])
async def test_login_by_email_or_username(
    client: httpx.AsyncClient, db: AsyncSession, by: str
) -> None:
    user = await create_account(db, email="grace@example.com", username="grace")
    identifier = "Grace@Example.com" if by == "email" else "GRACE"

    response = await login(client, identifier)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_token"]
    assert decode_access_token(body["access_token"]).subject == user.uuid
    me = await client.get(f"{API}/me", headers=auth(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "grace"
    await db.refresh(user)
    assert user.last_login_at is not None
    assert user.last_login_ip == "127.0.0.1"
    [entry] = await activity(db, "login")
    assert entry.causer_id == user.id
    assert entry.ip_address == "127.0.0.1"


async def test_a_wrong_password_and_an_unknown_account_look_the_same(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db, email="grace@example.com")

    wrong = await login(client, "grace@example.com", "Wrong-password-1")
    unknown = await login(client, "nobody@example.com", "Wrong-password-1")

    for response in (wrong, unknown):
        assert_problem(response, 401, "invalid_credentials")
        assert "access_token" not in response.text
    assert wrong.json()["detail"] == unknown.json()["detail"]
    # Both failures are kept in the log although the requests failed; never the password.
    first, second = await activity(db, "login_failed")
    assert first.causer_id == user.id
    assert second.causer_id is None
    assert second.properties == {"reason": "unknown account", "identifier": "nobody@example.com"}
    for entry in (first, second):
        assert "Wrong-password-1" not in f"{entry.description} {entry.properties}"
    await db.refresh(user)
    assert user.last_login_at is None


@pytest.mark.parametrize("status", [UserStatus.SUSPENDED, UserStatus.BLOCKED, UserStatus.INACTIVE])
async def test_disabled_accounts_cannot_sign_in(
    client: httpx.AsyncClient, db: AsyncSession, status: UserStatus
) -> None:
    user = await create_account(db, status=status)
    response = await login(client, user.email)
    assert_problem(response, 403, "account_disabled")
    assert len(await activity(db, "login_failed")) == 1


async def test_pending_accounts_may_sign_in(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db, status=UserStatus.PENDING)
    response = await login(client, user.email)
    assert response.status_code == 200, response.text
    me = await client.get(f"{API}/me", headers=auth(response.json()["access_token"]))
    assert me.json()["uuid"] == str(user.uuid)
    assert len(await activity(db, "login")) == 1


async def test_deleted_accounts_cannot_sign_in(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db, deleted_at=utcnow())
    assert_problem(await login(client, user.email), 401, "invalid_credentials")


@pytest.mark.parametrize(
    "old_hasher",
    [
        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),  # weak parameters
        PasswordHasher(type=Type.I),  # the older argon2i variant
        PasswordHasher(),  # argon2-cffi's RFC 9106 profile (64 MiB), used before
    ],
    ids=["weak-parameters", "argon2i", "previous-profile"],
)
async def test_a_legacy_or_weak_hash_is_rehashed_on_login(
    client: httpx.AsyncClient, db: AsyncSession, old_hasher: PasswordHasher
) -> None:
    old_hash = old_hasher.hash(PASSWORD)
    user = await create_account(db, password_hash=old_hash)
    assert needs_rehash(old_hash)

    assert (await login(client, user.email)).status_code == 200

    await db.refresh(user)
    assert user.password_hash != old_hash
    assert user.password_hash.startswith("$argon2id$")
    assert not needs_rehash(user.password_hash)
    assert verify_now(user.password_hash, PASSWORD)


async def test_a_current_hash_is_left_alone(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db)
    before = user.password_hash
    assert (await login(client, user.email)).status_code == 200
    await db.refresh(user)
    assert user.password_hash == before


async def test_login_flooding_is_a_429_with_retry_after(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The configured rate (10/minute) made smaller: every attempt costs an argon2 check.
    limiter = app.state.rate_limiter
    monkeypatch.setattr(
        limiter, "settings", limiter.settings.model_copy(update={"login_rate": "3/minute"})
    )
    user = await create_account(db)
    for _ in range(3):
        assert (await login(client, user.email, "Wrong-password-1")).status_code == 401

    flooded = await login(client, user.email)  # even the right password waits

    body = assert_problem(flooded, 429, "too_many_requests")
    assert 0 < int(flooded.headers["retry-after"]) <= 60
    assert body["retry_after"] == int(flooded.headers["retry-after"])
    # The account's counter holds from another address too.
    async with app_client(app, ("203.0.113.9", 4000)) as elsewhere:
        assert (await login(elsewhere, user.email)).status_code == 429
        someone_else = await create_account(db)
        assert (await login(elsewhere, someone_else.email)).status_code == 200
