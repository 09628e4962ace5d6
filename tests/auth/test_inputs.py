"""Every body of the auth routes refuses what is not its shape: missing fields, wrong types,
unknown fields, over-long strings and NUL characters are a 422 that changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, OneTimeToken, RefreshToken, User
from tests.auth.helpers import API, assert_problem
from tests.conftest import bearer
from tests.factories.auth import PASSWORD, create_account

STRONG = "Analytical-1843"

# path → (a valid body, its required fields, whether it needs a signed-in caller)
BODIES: dict[str, tuple[dict[str, Any], set[str], bool]] = {
    "/register": (
        {"name": "Ada", "username": "ada", "email": "ada@example.com", "password": STRONG},
        {"name", "email", "password"},
        False,
    ),
    "/login": (
        {"identifier": "ada", "password": PASSWORD, "otp": "123456"},
        {"identifier", "password"},
        False,
    ),
    "/login/2fa": (
        {"challenge_token": "t", "recovery_code": "aaaaa-bbbbb"},
        {"challenge_token"},
        False,
    ),
    "/refresh": ({"refresh_token": "t"}, {"refresh_token"}, False),
    "/logout": ({"refresh_token": "t"}, {"refresh_token"}, False),
    "/verify-email": ({"token": "t"}, {"token"}, False),
    "/password/forgot": ({"email": "ada@example.com"}, {"email"}, False),
    "/password/reset": ({"token": "t", "password": STRONG}, {"token", "password"}, False),
    "/password/change": (
        {"current_password": PASSWORD, "new_password": STRONG},
        {"current_password", "new_password"},
        True,
    ),
    "/2fa/setup": ({"password": PASSWORD}, {"password"}, True),
    "/2fa/enable": ({"code": "123456"}, {"code"}, True),
    "/2fa/disable": ({"password": PASSWORD, "code": "123456"}, {"password", "code"}, True),
}


def bad_bodies(path: str) -> dict[str, Any]:
    """What is wrong → a body of ``path`` that is wrong that way."""
    body, required, _ = BODIES[path]
    cases: dict[str, Any] = {}
    for field in sorted(required):
        cases[f"missing {field}"] = {k: v for k, v in body.items() if k != field}
        cases[f"null {field}"] = {**body, field: None}
    for field in body:
        cases[f"number {field}"] = {**body, field: 12345}
        cases[f"list {field}"] = {**body, field: ["x"]}
        cases[f"long {field}"] = {**body, field: "x" * 5000}
        cases[f"nul {field}"] = {**body, field: "ab\u0000cd"}
    for extra in ("role", "status", "user_id"):
        cases[f"unknown {extra}"] = {**body, extra: "admin"}
    cases["not an object"] = [body]
    return cases


async def counts(db: AsyncSession) -> tuple[int, ...]:
    return tuple(
        [
            int(await db.scalar(select(func.count()).select_from(model)) or 0)
            for model in (User, RefreshToken, OneTimeToken, ActivityLog)
        ]
    )


@pytest.mark.parametrize("path", list(BODIES))
async def test_malformed_bodies_are_a_422_that_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, path: str
) -> None:
    user = await create_account(db, username="ada", email="ada@example.com")
    before = await counts(db)
    password_hash = user.password_hash
    headers = bearer(user) if BODIES[path][2] else {}

    for case, body in bad_bodies(path).items():
        response = await client.post(f"{API}{path}", json=body, headers=headers)

        assert response.status_code == 422, (case, response.text)
        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"], case
        assert "12345" not in response.text  # the submitted values are never echoed

    assert await counts(db) == before
    await db.refresh(user)
    assert user.password_hash == password_hash
    assert user.tokens_valid_after is None


@pytest.mark.parametrize("path", ["/login/2fa"])
@pytest.mark.parametrize(
    "factors",
    [{}, {"otp": "123456", "recovery_code": "aaaaa-bbbbb"}],
    ids=["none", "both"],
)
async def test_the_second_step_takes_exactly_one_factor(
    client: httpx.AsyncClient, path: str, factors: dict[str, str]
) -> None:
    response = await client.post(f"{API}{path}", json={"challenge_token": "t", **factors})
    assert_problem(response, 422, "validation_error")


async def test_login_takes_at_most_one_factor(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{API}/login",
        json={"identifier": "a", "password": "b", "otp": "123456", "recovery_code": "x"},
    )
    assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize("otp", ["12345", "1234567", "abcdef"])
async def test_an_otp_is_six_digits(client: httpx.AsyncClient, otp: str) -> None:
    response = await client.post(
        f"{API}/login", json={"identifier": "a", "password": "b", "otp": otp}
    )
    assert_problem(response, 422, "validation_error")


async def test_passwords_are_taken_as_typed(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """Other strings are trimmed; a password keeps its spaces."""
    user = await create_account(db, password=f" {PASSWORD} ")
    spaced = await client.post(
        f"{API}/login", json={"identifier": user.email, "password": f" {PASSWORD} "}
    )
    assert spaced.status_code == 200, spaced.text
    assert spaced.json()["refresh_token"]
    trimmed = await client.post(
        f"{API}/login", json={"identifier": user.email, "password": PASSWORD}
    )
    assert trimmed.status_code == 401
