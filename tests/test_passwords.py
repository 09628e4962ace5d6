"""Passwords: argon2id hashes, a strength rule, and re-hashing of weaker hashes."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from lectern.security.passwords import (
    WeakPasswordError,
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_hashes_are_argon2id_and_verify() -> None:
    hashed = hash_password("Correct-horse-9")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "Correct-horse-9")
    assert not verify_password(hashed, "correct-horse-9")
    assert not needs_rehash(hashed)


def test_a_garbled_hash_never_verifies() -> None:
    assert not verify_password("not-a-hash", "anything")
    assert needs_rehash("not-a-hash")


def test_weaker_parameters_need_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("Correct-horse-9")
    assert verify_password(weak, "Correct-horse-9")
    assert needs_rehash(weak)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Short-1", "at least 10"),
        ("x" * 129, "at most 128"),
        ("onlylowercaseletters", "three of"),
        ("lowercase-and-symbols", "three of"),
    ],
)
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(WeakPasswordError, match=reason):
        check_strength(password)


@pytest.mark.parametrize("password", ["Correct-horse-9", "correct horse battery 9", "ABCdef12345"])
def test_strong_passwords_pass(password: str) -> None:
    check_strength(password)
