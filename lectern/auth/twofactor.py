"""Optional TOTP two-factor authentication, with single-use recovery codes.

Enrolment has two steps: ``start`` (after the password) stores a new secret and hands it
out; ``enable`` turns it on once a code from the authenticator proves the secret was
copied, and returns ten recovery codes — only their hashes are kept.
"""

from __future__ import annotations

import secrets

import pyotp
from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lectern.errors import Conflict, InvalidInput
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import User
from lectern.platform.activity import AUTH, log_activity
from lectern.security.actor import Actor
from lectern.security.passwords import check_password
from lectern.security.tokens import hash_secret

ISSUER = "Lectern"
RECOVERY_CODES = 10
# Unambiguous characters (no 0/o, 1/l/i): codes are read off paper and typed back.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# One 30-second step either side: clocks drift and people type slowly.
_VALID_WINDOW = 1


def is_enabled(user: User) -> bool:
    return user.two_factor_enabled_at is not None and user.two_factor_secret is not None


async def start(session: AsyncSession, user: User, password: str) -> tuple[str, str]:
    """A new secret (base32) and its otpauth:// URI; not active until ``enable``."""
    if is_enabled(user):
        raise Conflict("two-factor authentication is already on", code="two_factor_enabled")
    user = await _right_password(session, user, password)
    secret = pyotp.random_base32()
    user.two_factor_secret = secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return secret, uri


async def enable(session: AsyncSession, actor: Actor, code: str) -> list[str]:
    """Turn two-factor on with a code from the authenticator; the recovery codes, once."""
    user = actor.user
    if is_enabled(user):
        raise Conflict("two-factor authentication is already on", code="two_factor_enabled")
    if user.two_factor_secret is None:
        raise Conflict("start with /auth/2fa/setup", code="two_factor_not_set_up")
    if not await _accept_code(session, user, code):
        raise InvalidInput("the code is not valid", field="code", code="invalid_code")
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    user.two_factor_enabled_at = utcnow()
    user.two_factor_recovery_codes = [_hash_code(c) for c in codes]
    log_activity(
        session,
        log_name=AUTH,
        event="two_factor_enabled",
        description=f"{user.username} turned two-factor authentication on",
        causer=user,
        client=actor.client,
    )
    return codes


async def disable(session: AsyncSession, actor: Actor, password: str, code: str) -> None:
    """Turn two-factor off; needs the password and a current code or a recovery code."""
    if not is_enabled(actor.user):
        raise Conflict("two-factor authentication is not on", code="two_factor_disabled")
    user = await _right_password(session, actor.user, password)
    if not await verify(session, user, otp=code, recovery_code=code):
        raise InvalidInput("the code is not valid", field="code", code="invalid_code")
    user.two_factor_secret = None
    user.two_factor_enabled_at = None
    user.two_factor_recovery_codes = None
    user.two_factor_last_step = None
    log_activity(
        session,
        log_name=AUTH,
        event="two_factor_disabled",
        description=f"{user.username} turned two-factor authentication off",
        causer=user,
        client=actor.client,
    )


async def verify(
    session: AsyncSession, user: User, *, otp: str | None, recovery_code: str | None
) -> bool:
    """Whether the second factor is right: an authenticator code, or an unused recovery
    code (which is then spent)."""
    if user.two_factor_secret is None:
        return False
    if otp is not None and await _accept_code(session, user, otp):
        return True
    return recovery_code is not None and await _spend_recovery_code(session, user, recovery_code)


async def _right_password(session: AsyncSession, user: User, password: str) -> User:
    """The user (read again) if ``password`` is theirs; a 422 otherwise."""
    checked = await check_password(session, user, password)
    if not checked.right:
        raise InvalidInput("the password is not correct", field="password", code="wrong_password")
    return checked.user


def _step_of(secret: str, code: str) -> int | None:
    """The time step (30-second counter) whose code ``code`` is, within the valid window."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in range(now - _VALID_WINDOW, now + _VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def _accept_code(session: AsyncSession, user: User, code: str) -> bool:
    """Whether ``code`` is right and not used before (RFC 6238 section 5.2): its step must be
    later than the last accepted one. A compare-and-set: of two requests with one code, or
    codes of one step, one wins."""
    assert user.two_factor_secret is not None
    step = _step_of(user.two_factor_secret, code)
    if step is None:
        return False
    result = await session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.two_factor_last_step.is_(None), User.two_factor_last_step < step),
        )
        .values(two_factor_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    set_committed_value(user, "two_factor_last_step", step)
    return True


async def _spend_recovery_code(session: AsyncSession, user: User, code: str) -> bool:
    hashes = list(user.two_factor_recovery_codes or [])
    wanted = _hash_code(code)
    if wanted not in hashes:
        return False
    remaining = [h for h in hashes if h != wanted]
    # Compare-and-set on the list: of two requests spending the same code, one wins.
    result = await session.execute(
        update(User)
        .where(User.id == user.id, User.two_factor_recovery_codes == hashes)
        .values(two_factor_recovery_codes=remaining)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    set_committed_value(user, "two_factor_recovery_codes", remaining)
    return True


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _hash_code(code: str) -> str:
    return hash_secret(code.strip().lower().replace("-", "").replace(" ", ""))
