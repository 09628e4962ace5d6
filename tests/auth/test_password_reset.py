"""Forgotten and changed passwords: links that work once, every session signed out, a
notice to the owner, and no answer that tells whether an address is registered."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern import jobs
from lectern.auth.tasks import send_reset_link
from lectern.config import app_settings
from lectern.models import OneTimeToken, OneTimeTokenPurpose, User, UserStatus
from lectern.security.passwords import verify_now
from tests.auth.helpers import API, activity, assert_problem, auth, login, sign_in, token_of
from tests.conftest import bearer
from tests.factories.auth import PASSWORD, create_account
from tests.mailbox import Mailbox, links
from tests.queries import count_queries

NEW_PASSWORD = "Brand-new-secret-7"


async def forgot(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post(f"{API}/password/forgot", json={"email": email})


async def reset(
    client: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD
) -> httpx.Response:
    return await client.post(f"{API}/password/reset", json={"token": token, "password": password})


async def reset_tokens(db: AsyncSession, user: User) -> list[OneTimeToken]:
    return list(
        await db.scalars(
            select(OneTimeToken).where(
                OneTimeToken.user_id == user.id,
                OneTimeToken.purpose == OneTimeTokenPurpose.PASSWORD_RESET,
            )
        )
    )


async def test_forgot_reset_and_the_password_changed_notice(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db, email="grace@example.com")
    session = await sign_in(client, user)

    answer = await forgot(client, "Grace@Example.com")

    assert answer.status_code == 202
    [message] = await mailbox.wait(1)
    assert message["To"] == "grace@example.com"
    assert message["Subject"] == "Reset your password"
    [link] = links(message)
    assert link.startswith(f"{app_settings().app_url}/reset-password?token=")
    token = token_of(link, "reset-password")

    assert (await reset(client, token)).status_code == 204

    await db.refresh(user)
    assert verify_now(user.password_hash, NEW_PASSWORD)
    assert user.email_verified_at is not None  # the link reached the address
    # Every session is signed out: the refresh token and the access token.
    refused = await client.post(f"{API}/refresh", json={"refresh_token": session["refresh_token"]})
    assert refused.status_code == 401
    me = await client.get(f"{API}/me", headers=auth(session["access_token"]))
    assert_problem(me, 401, "session_revoked")
    assert_problem(await login(client, user.email, PASSWORD), 401, "invalid_credentials")
    assert (await login(client, user.email, NEW_PASSWORD)).status_code == 200
    # The link worked once.
    assert_problem(await reset(client, token, "Another-secret-8"), 422, "invalid_token")
    assert len(await activity(db, "password_reset")) == 1

    # The owner is told, with a link that resets the password again at once.
    _, notice = await mailbox.wait(2)
    assert notice["Subject"] == "Your password was changed"
    again = token_of(links(notice)[0], "reset-password")
    assert (await reset(client, again, "Taken-back-secret-9")).status_code == 204
    assert (await login(client, user.email, "Taken-back-secret-9")).status_code == 200


async def test_forgot_answers_the_same_for_unknown_and_disabled_addresses(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    known = await create_account(db)
    suspended = await create_account(db, status=UserStatus.SUSPENDED)

    answers = [
        await forgot(client, email)
        for email in ("nobody@example.com", suspended.email, known.email)
    ]

    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1
    await mailbox.wait(1)
    assert [m["To"] for m in mailbox.messages] == [known.email]
    assert await reset_tokens(db, suspended) == []


async def test_forgot_does_the_same_work_for_known_and_unknown_addresses(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The request only queues the job (no statement at all, nothing to time apart); the job
    looks the address up and mails the link."""
    known = await create_account(db)
    await db.commit()
    queued: list[dict[str, str]] = []

    async def hold(**kwargs: str) -> None:  # the job is run below, after the requests
        queued.append(kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(send_reset_link, "kiq", hold)
        with count_queries(engine) as for_known:
            answer_known = await forgot(client, known.email)
        with count_queries(engine) as for_unknown:
            answer_unknown = await forgot(client, "nobody@example.com")
    assert (answer_known.status_code, answer_known.text) == (202, answer_unknown.text)
    assert for_known == for_unknown == []
    assert queued == [{"email": known.email}, {"email": "nobody@example.com"}]

    for job in queued:
        await send_reset_link.kiq(**job)
    await jobs.wait_for_jobs()
    [message] = await mailbox.wait(1)
    assert message["To"] == known.email
    assert len(await reset_tokens(db, known)) == 1


async def test_a_new_reset_link_retires_the_previous_one(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db)
    await forgot(client, user.email)
    await forgot(client, user.email)
    first, second = (token_of(links(m)[0], "reset-password") for m in await mailbox.wait(2))
    assert_problem(await reset(client, first), 422, "invalid_token")
    assert (await reset(client, second)).status_code == 204


async def test_a_weak_password_leaves_the_link_usable(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db)
    await forgot(client, user.email)
    [message] = await mailbox.wait(1)
    token = token_of(links(message)[0], "reset-password")

    assert_problem(await reset(client, token, "weakweakweak"), 422, "weak_password")

    await db.refresh(user)
    assert verify_now(user.password_hash, PASSWORD)
    assert all(t.used_at is None for t in await reset_tokens(db, user))
    assert (await reset(client, token)).status_code == 204


async def test_reset_refuses_a_made_up_token(client: httpx.AsyncClient) -> None:
    assert_problem(await reset(client, "made-up-token"), 422, "invalid_token")


async def test_forgot_and_reset_are_rate_limited(client: httpx.AsyncClient) -> None:
    statuses = [(await forgot(client, f"n{n}@example.com")).status_code for n in range(6)]
    assert statuses == [202] * 5 + [429]
    limited = await reset(client, "anything")
    assert_problem(limited, 429, "too_many_requests")
    assert int(limited.headers["retry-after"]) > 0


# -- changing the password -----------------------------------------------------------------


async def change(
    client: httpx.AsyncClient, headers: dict[str, str], current: str, new: str
) -> httpx.Response:
    return await client.post(
        f"{API}/password/change",
        json={"current_password": current, "new_password": new},
        headers=headers,
    )


async def test_change_password_signs_out_everywhere_and_tells_the_owner(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db)
    session = await sign_in(client, user)

    response = await change(client, auth(session["access_token"]), PASSWORD, NEW_PASSWORD)

    assert response.status_code == 204
    await db.refresh(user)
    assert verify_now(user.password_hash, NEW_PASSWORD)
    me = await client.get(f"{API}/me", headers=auth(session["access_token"]))
    assert_problem(me, 401, "session_revoked")
    refused = await client.post(f"{API}/refresh", json={"refresh_token": session["refresh_token"]})
    assert refused.status_code == 401
    assert (await login(client, user.email, NEW_PASSWORD)).status_code == 200
    assert len(await activity(db, "password_changed")) == 1
    [notice] = await mailbox.wait(1)
    assert notice["To"] == user.email
    assert notice["Subject"] == "Your password was changed"
    token = token_of(links(notice)[0], "reset-password")
    assert (await reset(client, token, "Taken-back-secret-9")).status_code == 204


@pytest.mark.parametrize(
    ("current", "new", "code", "field"),
    [
        ("Wrong-password-1", NEW_PASSWORD, "wrong_password", "current_password"),
        (PASSWORD, PASSWORD, "invalid_input", "new_password"),
        (PASSWORD, "weakweakweak", "weak_password", None),
    ],
    ids=["wrong-current", "unchanged", "weak"],
)
async def test_change_password_refusals_change_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    current: str,
    new: str,
    code: str,
    field: str | None,
) -> None:
    user = await create_account(db)
    before = user.password_hash
    body = assert_problem(await change(client, bearer(user), current, new), 422, code)
    if field:
        assert body["errors"][0]["loc"] == [field]
    await db.refresh(user)
    assert user.password_hash == before
    assert user.tokens_valid_after is None


async def test_change_password_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_problem(await change(client, {}, PASSWORD, NEW_PASSWORD), 401, "unauthorized")


async def test_guessing_the_current_password_is_rate_limited(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = app.state.rate_limiter
    monkeypatch.setattr(
        limiter, "settings", limiter.settings.model_copy(update={"login_rate": "2/minute"})
    )
    user = await create_account(db)
    statuses = [
        (await change(client, bearer(user), f"Guess-number-{n}", NEW_PASSWORD)).status_code
        for n in range(3)
    ]
    assert statuses == [422, 422, 429]
    await jobs.wait_for_jobs()
