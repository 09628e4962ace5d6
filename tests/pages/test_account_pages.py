"""The account pages the e-mails link to: plain forms, without JavaScript, that confirm an
address or set a new password once, and refuse a post that did not come from their own page
(CSRF)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import User
from lectern.pages import csrf
from lectern.security.passwords import verify_now
from tests.auth.helpers import API, token_of
from tests.factories.auth import PASSWORD, create_account
from tests.mailbox import Mailbox, links

NEW_PASSWORD = "Brand-new-secret-7"


def form_token(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def linked_token(client: httpx.AsyncClient, mailbox: Mailbox, path: str) -> str:
    """The token of the link to ``path`` in the last message."""
    [message] = (await mailbox.wait(len(mailbox.messages) or 1))[-1:]
    return token_of(links(message)[0], path)


async def fresh(db: AsyncSession, user: User) -> User:
    await db.refresh(user)
    return user


# -- confirming an address ------------------------------------------------------------------


async def test_the_verification_link_opens_a_form_that_confirms_once(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db)
    signed_in = await client.post(
        f"{API}/login", json={"identifier": user.email, "password": PASSWORD}
    )
    await client.post(
        f"{API}/verify-email/resend",
        headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"},
    )
    token = await linked_token(client, mailbox, "verify-email")

    page = await client.get("/verify-email", params={"token": token})

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert f'value="{token}"' in page.text
    assert (await fresh(db, user)).email_verified_at is None  # opening the link is not enough
    assert client.cookies[csrf.COOKIE] == form_token(page)

    confirmed = await client.post(
        "/verify-email", data={"token": token, "csrf_token": form_token(page)}
    )

    assert confirmed.status_code == 200
    assert "Your address is confirmed" in confirmed.text
    assert (await fresh(db, user)).email_verified_at is not None

    again = await client.post(
        "/verify-email", data={"token": token, "csrf_token": form_token(page)}
    )
    assert again.status_code == 422
    assert "This link is not valid, was already used or has expired." in again.text


async def test_a_post_from_another_site_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db)
    await client.post(f"{API}/password/forgot", json={"email": user.email})
    token = await linked_token(client, mailbox, "reset-password")
    body = {"token": token, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}

    no_cookie = await client.post("/reset-password", data={**body, "csrf_token": "x" * 43})
    await client.get("/reset-password", params={"token": token})  # the cookie is set now
    wrong_field = await client.post("/reset-password", data={**body, "csrf_token": "y" * 43})

    for refused in (no_cookie, wrong_field):
        assert refused.status_code == 403
        assert "was not opened on this site" in refused.text
    assert verify_now((await fresh(db, user)).password_hash, PASSWORD)


async def test_a_link_without_its_token_says_so(client: httpx.AsyncClient) -> None:
    for path in ("/verify-email", "/reset-password"):
        page = await client.get(path)
        assert page.status_code == 400
        assert "This link is incomplete" in page.text


# -- choosing a new password ----------------------------------------------------------------


async def test_the_reset_link_opens_a_form_that_sets_the_password(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    user = await create_account(db)
    await client.post(f"{API}/password/forgot", json={"email": user.email})
    token = await linked_token(client, mailbox, "reset-password")
    page = await client.get("/reset-password", params={"token": token})
    assert page.status_code == 200
    field = form_token(page)

    def form(password: str, repeat: str) -> dict[str, str]:
        return {"token": token, "csrf_token": field, "password": password, "repeat": repeat}

    differ = await client.post("/reset-password", data=form(NEW_PASSWORD, NEW_PASSWORD + "x"))
    weak = await client.post("/reset-password", data=form("short", "short"))
    for again in (differ, weak):
        assert again.status_code == 422
        assert f'value="{token}"' in again.text  # the form again, the link still usable
    assert "The two passwords differ." in differ.text
    assert "The password must have at least 10 characters." in weak.text
    assert verify_now((await fresh(db, user)).password_hash, PASSWORD)

    done = await client.post("/reset-password", data=form(NEW_PASSWORD, NEW_PASSWORD))

    assert done.status_code == 200
    assert "Your password is changed" in done.text
    user = await fresh(db, user)
    assert verify_now(user.password_hash, NEW_PASSWORD)
    assert user.email_verified_at is not None
    spent = await client.post("/reset-password", data=form("Another-secret-8", "Another-secret-8"))
    assert spent.status_code == 422
    assert "already used" in spent.text
    assert verify_now((await fresh(db, user)).password_hash, NEW_PASSWORD)


async def test_the_form_is_rate_limited_like_the_api(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = app.state.rate_limiter
    monkeypatch.setattr(
        limiter, "settings", limiter.settings.model_copy(update={"reset_rate": "2/minute"})
    )
    page = await client.get("/reset-password", params={"token": "t" * 43})
    form = {
        "token": "t" * 43,
        "csrf_token": form_token(page),
        "password": NEW_PASSWORD,
        "repeat": NEW_PASSWORD,
    }

    answers = [await client.post("/reset-password", data=form) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [422, 422, 429]
    assert int(answers[2].headers["retry-after"]) > 0
    assert answers[2].headers["content-type"].startswith("text/html")
