"""Password hashing with argon2id, and the strength rule every new password meets."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lectern.errors import LecternError

# argon2-cffi's defaults are argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 128


class WeakPasswordError(LecternError):
    status = 422
    code = "weak_password"


def check_strength(password: str) -> None:
    """Raise WeakPasswordError unless the password is long and mixes kinds of characters."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"the password must have at most {MAX_LENGTH} characters")
    kinds = sum(
        bool(re.search(pattern, password))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if kinds < 3:
        raise WeakPasswordError(
            "the password must mix at least three of: lower case, upper case, digits, symbols"
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for hashes made with weaker parameters (or another scheme) than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
