"""Optional TOTP two-factor: enrolment with a confirming code, recovery codes shown once
and spent once, sign-in that asks for the second factor, and turning it off."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.auth import twofactor
from lectern.models import User
from lectern.security.tokens import issue_access_token
from tests.auth.helpers import API, activity, assert_problem, auth, login
from tests.conftest import bearer
from tests.factories.auth import (
    PASSWORD,
    RECOVERY_CODES,
    create_account,
    create_two_factor_account,
    totp,
)


async def reload(db: AsyncSession, user: User) -> User:
    await db.refresh(user)
    return user


# A moment in the middle of a 30-second step: the server's clock in the tests that use codes
# of neighbouring steps (a code is accepted once, and only after the last accepted step).
NOON = datetime(2026, 6, 1, 12, 0, 15, tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(twofactor, "utcnow", lambda: NOON)
    return NOON


def code_at(secret: str, step: int) -> str:
    """The code of the step ``step`` steps after the frozen clock's."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(NOON) + step)


async def test_enrolment_then_sign_in_with_the_second_factor(
    client: httpx.AsyncClient, db: AsyncSession, frozen_clock: datetime
) -> None:
    user = await create_account(db, email="grace@example.com")

    setup = await client.post(f"{API}/2fa/setup", json={"password": PASSWORD}, headers=bearer(user))

    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    uri = urlsplit(setup.json()["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [secret]
    assert parse_qs(uri.query)["issuer"] == ["Lectern"]
    # Not on until a code confirms it: signing in still takes the password alone.
    assert (await login(client, user.email)).status_code == 200
    wrong = await client.post(f"{API}/2fa/enable", json={"code": "000000"}, headers=bearer(user))
    assert_problem(wrong, 422, "invalid_code")
    assert (await reload(db, user)).two_factor_enabled_at is None

    code = code_at(secret, -1)  # the window reaches a step either side
    enable = await client.post(f"{API}/2fa/enable", json={"code": code}, headers=bearer(user))

    assert enable.status_code == 200, enable.text
    recovery = enable.json()["recovery_codes"]
    assert len(recovery) == len(set(recovery)) == 10
    await reload(db, user)
    assert user.two_factor_enabled_at is not None
    stored = user.two_factor_recovery_codes or []
    assert len(stored) == 10
    assert not set(recovery) & set(stored)  # only hashes are kept
    assert len(await activity(db, "two_factor_enabled")) == 1
    me = await client.get(f"{API}/me", headers=bearer(user))
    assert me.json()["two_factor_enabled"] is True

    # The password alone is no longer enough.
    challenged = await login(client, user.email)
    body = assert_problem(challenged, 401, "two_factor_required")
    assert "access_token" not in body
    finish = await client.post(
        f"{API}/login/2fa",
        json={"challenge_token": body["challenge_token"], "otp": code_at(secret, 0)},
    )
    assert finish.status_code == 200, finish.text
    assert (
        await client.get(f"{API}/me", headers=auth(finish.json()["access_token"]))
    ).status_code == 200
    # Or the code along with the password, in one request.
    assert (await login(client, user.email, otp=code_at(secret, 1))).status_code == 200


async def test_a_code_is_accepted_once(
    client: httpx.AsyncClient, db: AsyncSession, frozen_clock: datetime
) -> None:
    """RFC 6238 section 5.2: a code seen over a shoulder cannot be replayed in its window, nor
    can a code of a step before the last one accepted."""
    user = await create_two_factor_account(db)
    assert user.two_factor_secret is not None
    now, earlier = code_at(user.two_factor_secret, 0), code_at(user.two_factor_secret, -1)
    assert (await login(client, user.email, otp=now)).status_code == 200
    assert_problem(await login(client, user.email, otp=now), 401, "invalid_two_factor_code")
    assert_problem(await login(client, user.email, otp=earlier), 401, "invalid_two_factor_code")
    await reload(db, user)
    assert user.two_factor_last_step == pyotp.TOTP(user.two_factor_secret).timecode(NOON)


async def test_setup_and_enable_refusals(client: httpx.AsyncClient, db: AsyncSession) -> None:
    assert_problem(
        await client.post(f"{API}/2fa/setup", json={"password": PASSWORD}), 401, "unauthorized"
    )
    user = await create_account(db)
    wrong = await client.post(
        f"{API}/2fa/setup", json={"password": "Wrong-password-1"}, headers=bearer(user)
    )
    assert_problem(wrong, 422, "wrong_password")
    assert (await reload(db, user)).two_factor_secret is None
    early = await client.post(f"{API}/2fa/enable", json={"code": "123456"}, headers=bearer(user))
    assert_problem(early, 409, "two_factor_not_set_up")

    enrolled = await create_two_factor_account(db)
    secret = enrolled.two_factor_secret
    again = await client.post(
        f"{API}/2fa/setup", json={"password": PASSWORD}, headers=bearer(enrolled)
    )
    assert_problem(again, 409, "two_factor_enabled")
    enable = await client.post(
        f"{API}/2fa/enable", json={"code": totp(enrolled)}, headers=bearer(enrolled)
    )
    assert_problem(enable, 409, "two_factor_enabled")
    assert (await reload(db, enrolled)).two_factor_secret == secret


async def test_a_wrong_second_factor_is_refused_and_logged(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_two_factor_account(db)
    challenge = (await login(client, user.email)).json()["challenge_token"]
    wrong = str((int(totp(user)) + 500_000) % 1_000_000).zfill(6)

    for response in (
        await client.post(f"{API}/login/2fa", json={"challenge_token": challenge, "otp": wrong}),
        await login(client, user.email, otp=wrong),
        await login(client, user.email, recovery_code="zzzzz-zzzzz"),
    ):
        assert_problem(response, 401, "invalid_two_factor_code")
    failures = await activity(db, "login_failed")
    assert [f.properties for f in failures] == [{"reason": "wrong second factor"}] * 3
    assert await activity(db, "login") == []


async def test_a_recovery_code_works_once(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_two_factor_account(db)
    challenge = (await login(client, user.email)).json()["challenge_token"]
    first = {"challenge_token": challenge, "recovery_code": RECOVERY_CODES[0].upper()}

    assert (await client.post(f"{API}/login/2fa", json=first)).status_code == 200
    assert len((await reload(db, user)).two_factor_recovery_codes or []) == 1

    assert_problem(
        await client.post(f"{API}/login/2fa", json=first), 401, "invalid_two_factor_code"
    )
    # The other one still works, without its dash.
    assert (
        await login(client, user.email, recovery_code=RECOVERY_CODES[1].replace("-", ""))
    ).status_code == 200
    assert (await reload(db, user)).two_factor_recovery_codes == []


async def test_challenge_tokens_are_refused_when_forged_stale_or_revoked(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_two_factor_account(db)
    challenge = (await login(client, user.email)).json()["challenge_token"]
    access, _ = issue_access_token(user.uuid, user.role.value)
    # An access token is not a challenge, nor is a made-up string.
    for token in (access, "not-a-token"):
        response = await client.post(
            f"{API}/login/2fa", json={"challenge_token": token, "otp": totp(user)}
        )
        assert_problem(response, 401, "invalid_token")
    # Signing out everywhere also retires pending challenges.
    assert (await client.post(f"{API}/logout-all", headers=bearer(user))).status_code == 204
    stale = await client.post(
        f"{API}/login/2fa", json={"challenge_token": challenge, "otp": totp(user)}
    )
    assert_problem(stale, 401, "invalid_token")


async def test_disable_needs_the_password_and_a_code(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_two_factor_account(db)

    async def disable(password: str, code: str) -> httpx.Response:
        return await client.post(
            f"{API}/2fa/disable", json={"password": password, "code": code}, headers=bearer(user)
        )

    assert_problem(await disable("Wrong-password-1", totp(user)), 422, "wrong_password")
    assert_problem(await disable(PASSWORD, "zzzzz-zzzzz"), 422, "invalid_code")
    assert (await reload(db, user)).two_factor_enabled_at is not None

    assert (await disable(PASSWORD, RECOVERY_CODES[0])).status_code == 204

    await reload(db, user)
    assert user.two_factor_enabled_at is None
    assert user.two_factor_secret is None
    assert user.two_factor_recovery_codes is None
    assert len(await activity(db, "two_factor_disabled")) == 1
    assert (await login(client, user.email)).status_code == 200
    assert_problem(await disable(PASSWORD, "123456"), 409, "two_factor_disabled")
    assert_problem(
        await client.post(f"{API}/2fa/disable", json={"password": PASSWORD, "code": "123456"}),
        401,
        "unauthorized",
    )
