"""Shortcuts of the authentication tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, User
from tests.factories.auth import PASSWORD

API = "/api/v1/auth"


async def login(
    client: httpx.AsyncClient, identifier: str, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    return await client.post(
        f"{API}/login", json={"identifier": identifier, "password": password, **extra}
    )


async def sign_in(
    client: httpx.AsyncClient, user: User, password: str = PASSWORD
) -> dict[str, Any]:
    """The token pair of a successful sign-in."""
    response = await login(client, user.email, password)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def auth(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"].endswith(f"/{code}"), body
    return body


def token_of(link: str, page: str) -> str:
    """The token of an e-mailed link to ``page`` (/verify-email, /reset-password)."""
    parts = urlsplit(link)
    assert parts.path == f"/{page}", link
    return parse_qs(parts.query)["token"][0]


async def activity(db: AsyncSession, event: str) -> list[ActivityLog]:
    return list(
        await db.scalars(
            select(ActivityLog).where(ActivityLog.event == event).order_by(ActivityLog.id)
        )
    )
