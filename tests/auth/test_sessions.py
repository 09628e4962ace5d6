"""Sessions: refresh tokens are single use, rotate within their family, are stored hashed;
a spent one presented again revokes the family; signing out one session or all of them."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import RefreshToken, User, UserStatus
from lectern.security.tokens import hash_secret
from tests.auth.helpers import API, activity, assert_problem, auth, sign_in
from tests.conftest import bearer
from tests.factories.auth import create_account


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(f"{API}/refresh", json={"refresh_token": token})


async def stored(db: AsyncSession, secret: str) -> RefreshToken:
    row = await db.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == hash_secret(secret))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def test_refresh_rotates_within_the_family(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    first = await sign_in(client, user)

    response = await refresh(client, first["refresh_token"])

    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["token_type"] == "bearer"
    assert (await client.get(f"{API}/me", headers=auth(second["access_token"]))).status_code == 200
    old, new = await stored(db, first["refresh_token"]), await stored(db, second["refresh_token"])
    assert old.used_at is not None
    assert new.used_at is None
    assert old.family_id == new.family_id
    assert new.user_id == user.id
    # Stored as hashes, never in plain text.
    hashes = set(await db.scalars(select(RefreshToken.token_hash)))
    assert first["refresh_token"] not in hashes
    assert second["refresh_token"] not in hashes


async def test_a_reused_refresh_token_revokes_its_family(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    stolen = (await sign_in(client, user))["refresh_token"]
    other_device = (await sign_in(client, user))["refresh_token"]
    rotated = (await refresh(client, stolen)).json()["refresh_token"]

    replay = await refresh(client, stolen)

    assert_problem(replay, 401, "token_reused")
    # The whole family is revoked, the legitimate holder's newest token included ...
    assert_problem(await refresh(client, rotated), 401, "invalid_token")
    for secret in (stolen, rotated):
        assert (await stored(db, secret)).revoked_at is not None
    # ... and the revocation and its log entry were kept although the answer was a 401.
    [entry] = await activity(db, "refresh_token_reused")
    assert entry.causer_id == user.id
    # Another sign-in of the same user is another family: untouched.
    assert (await refresh(client, other_device)).status_code == 200


async def test_a_spent_token_replayed_after_it_expired_still_revokes_its_family(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    """Expiry is no cover for a thief: a spent token is reuse, expired or not."""
    user = await create_account(db)
    stolen = (await sign_in(client, user))["refresh_token"]
    rotated = (await refresh(client, stolen)).json()["refresh_token"]
    row = await stored(db, stolen)
    row.expires_at = utcnow() - timedelta(days=1)
    await db.flush()

    replay = await refresh(client, stolen)

    assert_problem(replay, 401, "token_reused")
    assert (await stored(db, rotated)).revoked_at is not None
    assert_problem(await refresh(client, rotated), 401, "invalid_token")
    assert len(await activity(db, "refresh_token_reused")) == 1


async def test_refresh_refuses_unknown_expired_and_disabled(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    assert_problem(await refresh(client, "no-such-token"), 401, "invalid_token")

    user = await create_account(db)
    secret = (await sign_in(client, user))["refresh_token"]
    row = await stored(db, secret)
    row.expires_at = utcnow() - timedelta(seconds=1)
    await db.flush()
    assert_problem(await refresh(client, secret), 401, "token_expired")

    other = await create_account(db)
    secret = (await sign_in(client, other))["refresh_token"]
    other.status = UserStatus.SUSPENDED
    await db.flush()
    assert_problem(await refresh(client, secret), 401, "account_disabled")
    assert (await stored(db, secret)).used_at is None  # the refusal spent nothing


async def test_refresh_is_rate_limited(client: httpx.AsyncClient) -> None:
    statuses = [(await refresh(client, f"guess-{n}")).status_code for n in range(31)]
    assert statuses == [401] * 30 + [429]


async def test_logout_signs_out_that_session_only(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    session = await sign_in(client, user)
    rotated = (await refresh(client, session["refresh_token"])).json()["refresh_token"]
    other = await sign_in(client, user)

    # Any token of the family signs the session out.
    response = await client.post(f"{API}/logout", json={"refresh_token": session["refresh_token"]})

    assert response.status_code == 204
    assert_problem(await refresh(client, rotated), 401, "invalid_token")
    assert (await refresh(client, other["refresh_token"])).status_code == 200
    assert len(await activity(db, "logout")) == 1


async def test_logout_with_an_unknown_token_is_a_no_op(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    response = await client.post(f"{API}/logout", json={"refresh_token": "nothing"})
    assert response.status_code == 204
    assert await activity(db, "logout") == []


async def test_logout_all_revokes_every_refresh_and_access_token(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    laptop = await sign_in(client, user)
    phone = await sign_in(client, user)

    response = await client.post(f"{API}/logout-all", headers=auth(laptop["access_token"]))

    assert response.status_code == 204
    for device in (laptop, phone):
        assert_problem(await refresh(client, device["refresh_token"]), 401, "invalid_token")
        me = await client.get(f"{API}/me", headers=auth(device["access_token"]))
        assert_problem(me, 401, "session_revoked")
    assert len(await activity(db, "logout_all")) == 1
    # Signing in again works.
    fresh = await sign_in(client, user)
    assert (await client.get(f"{API}/me", headers=auth(fresh["access_token"]))).status_code == 200


async def test_logout_all_needs_a_token_and_touches_only_the_caller(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    assert_problem(await client.post(f"{API}/logout-all"), 401, "unauthorized")
    caller = await create_account(db)
    bystander = await create_account(db)
    theirs = await sign_in(client, bystander)
    assert (await client.post(f"{API}/logout-all", headers=bearer(caller))).status_code == 204
    assert (await refresh(client, theirs["refresh_token"])).status_code == 200
    refreshed = await db.get(User, bystander.id, populate_existing=True)
    assert refreshed is not None
    assert refreshed.tokens_valid_after is None
