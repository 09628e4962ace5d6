"""Signing up: a new account, an e-mailed verification link that works once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.auth import service
from lectern.config import app_settings
from lectern.models import OneTimeToken, User, UserRole, UserStatus
from lectern.security.tokens import hash_secret
from tests.auth.helpers import API, activity, assert_problem, token_of
from tests.factories.auth import create_account
from tests.mailbox import Mailbox, links

ACCEPTED = "check your inbox: follow the link we sent to finish signing up"
NEW = {
    "name": "Ada Lovelace",
    "username": "ada",
    "email": "Ada@Example.com",
    "password": "Analytical-1843",
}


async def users_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(User)) or 0)


async def test_register_creates_an_unverified_account_and_mails_a_working_link(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    response = await client.post(f"{API}/register", json=NEW)

    assert response.status_code == 202, response.text
    assert response.json() == {"detail": ACCEPTED}
    user = await db.scalar(select(User).where(User.email == "ada@example.com"))
    assert user is not None
    assert user.username == "ada"
    assert user.role == UserRole.STUDENT
    assert user.status == UserStatus.ACTIVE
    assert user.email_verified_at is None
    assert user.two_factor_enabled_at is None
    assert user.password_hash.startswith("$argon2id$")
    assert len(await activity(db, "registered")) == 1

    [message] = await mailbox.wait(1)
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Confirm your e-mail address"
    [link] = links(message)
    assert link.startswith(f"{app_settings().app_url}/verify-email?token=")
    token = token_of(link, "verify-email")
    # Only the hash is stored.
    stored = await db.scalar(select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    assert stored is not None
    assert stored.token_hash == hash_secret(token) != token

    verified = await client.post(f"{API}/verify-email", json={"token": token})
    assert verified.status_code == 204
    await db.refresh(user)
    assert user.email_verified_at is not None

    again = await client.post(f"{API}/verify-email", json={"token": token})
    assert_problem(again, 422, "invalid_token")


async def test_the_username_is_made_from_the_email_when_omitted(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    data = {k: v for k, v in NEW.items() if k != "username"}
    response = await client.post(f"{API}/register", json=data)
    assert response.status_code == 202, response.text
    user = await db.scalar(select(User).where(User.email == "ada@example.com"))
    assert user is not None
    assert user.username == "ada"


async def test_a_weak_password_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    before = await users_count(db)
    response = await client.post(f"{API}/register", json={**NEW, "password": "alllowercase"})
    assert_problem(response, 422, "weak_password")
    assert await users_count(db) == before


async def test_a_taken_username_is_a_409(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await create_account(db, email="ada@example.com", username="ada")
    before = await users_count(db)
    response = await client.post(
        f"{API}/register", json={**NEW, "email": "other@example.com", "username": "Ada"}
    )
    assert_problem(response, 409, "user_exists")
    assert await users_count(db) == before


async def test_a_taken_username_answers_alike_whether_the_address_is_known(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    """The username is checked first: a taken one does not let the answer tell a known
    address from an unknown one."""
    await create_account(db, email="ada@example.com", username="ada")
    await create_account(db, email="grace@example.com", username="grace")
    before = await users_count(db)
    known = await client.post(
        f"{API}/register", json={**NEW, "email": "grace@example.com", "username": "ada"}
    )
    unknown = await client.post(
        f"{API}/register", json={**NEW, "email": "nobody@example.com", "username": "ada"}
    )
    assert_problem(known, 409, "user_exists")
    assert (known.status_code, known.json()["detail"]) == (
        unknown.status_code,
        unknown.json()["detail"],
    )
    assert await users_count(db) == before
    assert mailbox.messages == []  # the owner of the known address heard nothing either


async def test_a_taken_email_gets_the_same_answer_and_its_owner_a_notice(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    owner = await create_account(db, email="ada@example.com", username="ada")
    before = await users_count(db)
    response = await client.post(
        f"{API}/register", json={**NEW, "email": "ADA@example.com", "username": "newada"}
    )
    assert response.status_code == 202, response.text
    assert response.json() == {"detail": ACCEPTED}
    assert await users_count(db) == before
    [message] = await mailbox.wait(1)
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "You already have a Lectern account"
    # Its link lets the owner choose a new password.
    [link] = links(message)
    reset = await client.post(
        f"{API}/password/reset",
        json={"token": token_of(link, "reset-password"), "password": "Brand-new-pass-1"},
    )
    assert reset.status_code == 204, reset.text
    await db.refresh(owner)
    assert owner.username == "ada"


@pytest.mark.parametrize(
    "extra",
    [{"role": "admin"}, {"status": "active"}, {"email_verified_at": "2020-01-01T00:00:00Z"}],
)
async def test_no_mass_assignment(
    client: httpx.AsyncClient, db: AsyncSession, extra: dict[str, str]
) -> None:
    before = await users_count(db)
    response = await client.post(f"{API}/register", json={**NEW, **extra})
    assert_problem(response, 422, "validation_error")
    assert await users_count(db) == before
    assert not await db.scalar(select(User).where(User.role == UserRole.ADMIN))


async def test_a_malformed_email_or_username_is_a_422(client: httpx.AsyncClient) -> None:
    bad_email = await client.post(f"{API}/register", json={**NEW, "email": "not-an-address"})
    assert_problem(bad_email, 422, "invalid_user")
    bad_username = await client.post(f"{API}/register", json={**NEW, "username": "a b c"})
    assert_problem(bad_username, 422, "invalid_user")


async def test_nothing_is_created_or_mailed_when_the_request_fails(
    app: FastAPI, db: AsyncSession, mail_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verification mail is queued for after the commit: a failure later in the same
    request rolls back the user and drops the mail."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the activity log is down")

    monkeypatch.setattr(service, "log_activity", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(f"{API}/register", json=NEW)
    assert response.status_code == 500
    await jobs.wait_for_jobs()
    assert not await db.scalar(select(User).where(User.email == "ada@example.com"))
    assert not mail_dir.exists() or not list(mail_dir.iterdir())
    # The same request without the failure does mail (so the check above can fail).
    monkeypatch.undo()
    monkeypatch.setenv("LECTERN_MAIL_DIR", str(mail_dir))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post(f"{API}/register", json=NEW)).status_code == 202
    await jobs.wait_for_jobs()
    assert len(list(mail_dir.iterdir())) == 1


async def test_new_accounts_are_active_and_may_sign_in_before_verifying(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    assert (await client.post(f"{API}/register", json=NEW)).status_code == 202
    user = await db.scalar(select(User).where(User.email == "ada@example.com"))
    assert user is not None
    assert user.status == UserStatus.ACTIVE
    response = await client.post(
        f"{API}/login", json={"identifier": "ada", "password": NEW["password"]}
    )
    assert response.status_code == 200
