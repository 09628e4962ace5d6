"""Access tokens: one pinned algorithm, every claim checked, keys that rotate by kid.
Anything else is a 401."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.config import auth_settings
from lectern.kit.types import utcnow
from lectern.models import User, UserStatus
from lectern.security.tokens import issue_access_token, issue_challenge_token
from tests.auth.helpers import API, assert_problem, auth
from tests.conftest import bearer
from tests.factories.auth import create_account


def claims_for(user: User, **changes: Any) -> dict[str, Any]:
    settings = auth_settings()
    now = time.time()
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user.uuid),
        "role": user.role.value,
        "iat": now,
        "exp": int(now) + 600,
        "jti": uuid.uuid4().hex,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def signed(
    claims: dict[str, Any], *, key: str | None = None, alg: str = "HS256", kid: str | None = None
) -> str:
    active, keys = auth_settings().signing_keys()
    return jwt.encode(claims, key or keys[active], algorithm=alg, headers={"kid": kid or active})


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get(f"{API}/me", headers=auth(token))


async def test_me_returns_the_account_without_secrets(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db, two_factor_secret="JBSWY3DPEHPK3PXP")
    response = await client.get(f"{API}/me", headers=bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(user.uuid)
    assert body["email"] == user.email
    assert body["two_factor_enabled"] is False  # set up, not confirmed
    assert "JBSWY3DPEHPK3PXP" not in response.text
    assert not {"id", "password_hash", "two_factor_secret", "tokens_valid_after"} & body.keys()


async def test_me_needs_a_bearer_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    assert_problem(await client.get(f"{API}/me"), 401, "unauthorized")
    user = await create_account(db)
    token, _ = issue_access_token(user.uuid, user.role.value)
    basic = await client.get(f"{API}/me", headers={"Authorization": f"Basic {token}"})
    assert basic.status_code == 401
    assert basic.headers["www-authenticate"].startswith("Bearer")


async def test_a_well_formed_token_works(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """The baseline of the refusals below: the same construction, unaltered, is accepted."""
    user = await create_account(db)
    response = await me(client, signed(claims_for(user)))
    assert response.status_code == 200, response.text
    assert response.json()["uuid"] == str(user.uuid)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"exp": int(time.time()) - 60}, "token_expired"),
        ({"aud": "another-api"}, "invalid_token"),
        ({"iss": "someone-else"}, "invalid_token"),
        ({"jti": None}, "invalid_token"),
        ({"iat": None}, "invalid_token"),
        ({"sub": "not-a-uuid"}, "invalid_token"),
        ({"sub": str(uuid.uuid4())}, "invalid_token"),  # nobody
    ],
    ids=["expired", "wrong-audience", "wrong-issuer", "no-jti", "no-iat", "bad-sub", "no-user"],
)
async def test_bad_claims_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, changes: dict[str, Any], code: str
) -> None:
    user = await create_account(db)
    if changes.get("exp"):
        changes["exp"] = int(time.time()) - 60  # relative to now, not to collection time
    assert_problem(await me(client, signed(claims_for(user, **changes))), 401, code)


async def test_alg_none_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db)
    kid, _ = auth_settings().signing_keys()
    for alg in ("none", "None", "NONE"):
        token = f"{b64({'alg': alg, 'typ': 'JWT', 'kid': kid})}.{b64(claims_for(user))}."
        assert_problem(await me(client, token), 401, "invalid_token")


async def test_a_tampered_payload_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_account(db)
    admin = await create_account(db)
    header, _, signature = signed(claims_for(user)).split(".")
    forged = f"{header}.{b64(claims_for(admin, role='admin'))}.{signature}"
    assert_problem(await me(client, forged), 401, "invalid_token")


async def test_a_token_re_signed_with_another_key_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    assert_problem(await me(client, signed(claims_for(user), key="x" * 64)), 401, "invalid_token")
    # Nor another HMAC size with the right key, nor an unknown key id.
    assert_problem(await me(client, signed(claims_for(user), alg="HS512")), 401, "invalid_token")
    assert_problem(
        await me(client, signed(claims_for(user), kid="elsewhere")), 401, "invalid_token"
    )


async def test_garbage_is_refused(client: httpx.AsyncClient) -> None:
    for token in (b"x", b"a.b.c", b"....", "é".encode("latin-1"), b"e30.e30.e30"):
        response = await client.get(f"{API}/me", headers={"Authorization": b"Bearer " + token})
        assert response.status_code == 401


async def test_a_two_factor_challenge_is_not_an_access_token(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    challenge, _ = issue_challenge_token(user.uuid)
    assert_problem(await me(client, challenge), 401, "invalid_token")


async def test_tokens_of_disabled_or_deleted_accounts_are_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    suspended = await create_account(db, status=UserStatus.SUSPENDED)
    deleted = await create_account(db, deleted_at=utcnow())
    assert_problem(
        await client.get(f"{API}/me", headers=bearer(suspended)), 401, "account_disabled"
    )
    assert_problem(await client.get(f"{API}/me", headers=bearer(deleted)), 401, "invalid_token")


@pytest.fixture
def rotating_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("LECTERN_JWT_KEYS", json.dumps({"k1": "first-" * 8, "k2": "second-" * 8}))
    monkeypatch.setenv("LECTERN_JWT_ACTIVE_KID", "k1")
    auth_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    auth_settings.cache_clear()


async def test_keys_rotate_by_kid(
    client: httpx.AsyncClient, db: AsyncSession, rotating_keys: pytest.MonkeyPatch
) -> None:
    user = await create_account(db)
    old, _ = issue_access_token(user.uuid, user.role.value)
    assert jwt.get_unverified_header(old)["kid"] == "k1"

    rotating_keys.setenv("LECTERN_JWT_ACTIVE_KID", "k2")
    auth_settings.cache_clear()
    new, _ = issue_access_token(user.uuid, user.role.value)
    assert jwt.get_unverified_header(new)["kid"] == "k2"
    assert (await me(client, old)).status_code == 200  # still verifies
    assert (await me(client, new)).status_code == 200

    rotating_keys.setenv("LECTERN_JWT_KEYS", json.dumps({"k2": "second-" * 8}))
    auth_settings.cache_clear()
    assert_problem(await me(client, old), 401, "invalid_token")  # its key is retired
    assert (await me(client, new)).status_code == 200


async def test_a_token_seen_before_is_not_verified_again_and_still_expires(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client sends the same token with each request: its claims are kept once found
    valid, and only its expiry is checked again."""
    from lectern.security import tokens

    user = await create_account(db)
    token = signed(claims_for(user, exp=int(time.time()) + 60))
    assert (await me(client, token)).status_code == 200
    verified = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: verified.append(1) or real_decode(*a, **k))
    assert (await me(client, token)).status_code == 200
    assert verified == []
    # A minute later the kept claims have expired, as the token has.
    later = time.time() + 61
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    assert_problem(await me(client, token), 401, "token_expired")


def test_the_tokens_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from lectern.security import tokens

    monkeypatch.setattr(tokens, "VERIFIED_TOKENS_KEPT", 3)
    monkeypatch.setattr(tokens, "_verified", {})
    issued = [issue_access_token(uuid.uuid4(), "student")[0] for _ in range(5)]
    for token in issued:
        tokens.decode_access_token(token)
    assert [known[0] for known in tokens._verified] == issued[2:]


async def test_another_scheme_is_anonymous_and_the_scheme_is_case_blind(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_account(db)
    token = signed(claims_for(user))
    assert (await client.get(f"{API}/me", headers={"Authorization": f"bearer {token}"})).is_success
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer ", token):
        assert_problem(
            await client.get(f"{API}/me", headers={"Authorization": header}), 401, "unauthorized"
        )
        # Where signing in is optional, such a header is an anonymous visit.
        assert (await client.get("/api/v1/courses", headers={"Authorization": header})).is_success
