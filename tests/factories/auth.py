"""Accounts that can really sign in (a known password), with or without two-factor."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import User
from lectern.security.passwords import hash_now
from lectern.security.tokens import hash_secret
from tests.factories import create_user

PASSWORD = "Correct-Horse-9"
RECOVERY_CODES = ["aaaaa-bbbbb", "ccccc-ddddd"]


@lru_cache
def password_hash(password: str = PASSWORD) -> str:
    # Hashing is slow on purpose: once per password per test session.
    return hash_now(password)


async def create_account(session: AsyncSession, password: str = PASSWORD, **values: Any) -> User:
    """An account one signs in to with ``password``, its address not yet confirmed."""
    values.setdefault("password_hash", password_hash(password))
    values.setdefault("email_verified_at", None)
    return await create_user(session, **values)


async def create_two_factor_account(session: AsyncSession, **values: Any) -> User:
    """An account with two-factor on; ``totp(user)`` gives its current code, and
    RECOVERY_CODES are its recovery codes."""
    values.setdefault("two_factor_secret", pyotp.random_base32())
    values.setdefault("two_factor_enabled_at", utcnow())
    values.setdefault(
        "two_factor_recovery_codes", [hash_secret(c.replace("-", "")) for c in RECOVERY_CODES]
    )
    return await create_account(session, **values)


def totp(user: User) -> str:
    assert user.two_factor_secret is not None
    return str(pyotp.TOTP(user.two_factor_secret).now())
