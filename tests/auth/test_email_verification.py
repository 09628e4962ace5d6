"""E-mail verification: single-use, expiring, hashed links; sending a new one."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.auth import onetime
from lectern.kit.types import utcnow
from lectern.models import OneTimeToken, User
from tests.auth.helpers import API, assert_problem, token_of
from tests.conftest import bearer
from tests.factories.auth import create_account
from tests.mailbox import Mailbox, body_text, links


async def verify(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(f"{API}/verify-email", json={"token": token})


async def verified_at(db: AsyncSession, user: User) -> object:
    await db.refresh(user)
    return user.email_verified_at


async def test_resend_mails_a_new_link_and_retires_the_old_one(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db, name="Grace Hopper")
    old = await onetime.issue(db, user, onetime.VERIFY, timedelta(hours=1))

    response = await client.post(f"{API}/verify-email/resend", headers=bearer(user))

    assert response.status_code == 202
    [message] = await mailbox.wait(1)
    assert message["To"] == user.email
    assert "Hello Grace Hopper" in body_text(message)
    new = token_of(links(message)[0], "verify-email")
    assert_problem(await verify(client, old), 422, "invalid_token")
    assert await verified_at(db, user) is None
    assert (await verify(client, new)).status_code == 204
    assert await verified_at(db, user) is not None


async def test_resend_needs_a_token_and_an_unverified_address(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    assert_problem(await client.post(f"{API}/verify-email/resend"), 401, "unauthorized")
    user = await create_account(db, email_verified_at=utcnow())
    response = await client.post(f"{API}/verify-email/resend", headers=bearer(user))
    assert_problem(response, 409, "already_verified")
    assert await db.scalar(select(OneTimeToken).where(OneTimeToken.user_id == user.id)) is None


async def test_resend_is_rate_limited(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db)
    statuses = [
        (await client.post(f"{API}/verify-email/resend", headers=bearer(user))).status_code
        for _ in range(6)
    ]
    assert statuses == [202] * 5 + [429]


async def test_an_expired_link_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db)
    token = await onetime.issue(db, user, onetime.VERIFY, timedelta(hours=1))
    row = await db.scalar(select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    await db.flush()
    body = assert_problem(await verify(client, token), 422, "invalid_token")
    assert body["errors"][0]["loc"] == ["token"]
    assert await verified_at(db, user) is None


async def test_a_link_for_a_previous_address_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db, email="old@example.com")
    token = await onetime.issue(db, user, onetime.VERIFY, timedelta(hours=1))
    user.email = "new@example.com"
    await db.flush()
    assert_problem(await verify(client, token), 422, "invalid_token")
    assert await verified_at(db, user) is None


async def test_a_reset_token_does_not_verify(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db)
    token = await onetime.issue(db, user, onetime.RESET, timedelta(hours=1))
    assert_problem(await verify(client, token), 422, "invalid_token")
    assert_problem(await verify(client, "made-up"), 422, "invalid_token")
    assert await verified_at(db, user) is None
