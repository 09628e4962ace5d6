"""Passwords: argon2id hashes with OWASP's parameters, a strength rule, re-hashing of other
hashes, and hashing that neither blocks the event loop nor runs without bound."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from lectern.config import auth_settings
from lectern.security import passwords
from lectern.security.passwords import (
    PasswordChecksBusy,
    WeakPasswordError,
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)


async def test_hashes_are_argon2id_with_owasp_parameters_and_verify() -> None:
    hashed = await hash_password("Correct-horse-9")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await verify_password(hashed, "Correct-horse-9")
    assert not await verify_password(hashed, "correct-horse-9")
    assert not needs_rehash(hashed)


async def test_a_garbled_hash_never_verifies() -> None:
    assert not await verify_password("not-a-hash", "anything")
    assert needs_rehash("not-a-hash")


@pytest.mark.parametrize(
    "other",
    [
        PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1),  # weaker
        PasswordHasher(),  # argon2-cffi's RFC 9106 profile, used before
    ],
)
async def test_other_parameters_still_verify_and_need_a_rehash(other: PasswordHasher) -> None:
    hashed = other.hash("Correct-horse-9")
    assert await verify_password(hashed, "Correct-horse-9")
    assert needs_rehash(hashed)


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


@pytest.fixture
def two_slots_short_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LECTERN_PASSWORD_HASHING_CONCURRENCY", "2")
    monkeypatch.setenv("LECTERN_PASSWORD_QUEUE_SECONDS", "0.2")
    auth_settings.cache_clear()
    passwords._slots.clear()
    yield
    monkeypatch.undo()
    auth_settings.cache_clear()
    passwords._slots.clear()


async def test_hashing_runs_off_the_event_loop(
    two_slots_short_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashes and checks run in worker threads, never on the loop's own thread."""
    threads: set[int] = set()
    real_verify = passwords.verify_now

    def watched_verify(password_hash: str, password: str) -> bool:
        threads.add(threading.get_ident())
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_now", watched_verify)
    hashed = await hash_password("Correct-horse-9")
    assert await verify_password(hashed, "Correct-horse-9")
    assert threads
    assert threading.get_ident() not in threads


async def test_hashes_run_at_most_n_at_once_and_a_long_wait_is_a_503(
    two_slots_short_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = 0
    most = 0

    def slow_verify(password_hash: str, password: str) -> bool:
        nonlocal running, most
        running += 1
        most = max(most, running)
        time.sleep(0.05)
        running -= 1
        return True

    monkeypatch.setattr(passwords, "verify_now", slow_verify)
    results = await asyncio.gather(
        *(verify_password("h", "p") for _ in range(4)), return_exceptions=True
    )
    assert results == [True] * 4
    assert most == 2

    # With both slots taken longer than the queue allows, the next check is refused.
    slots = passwords._slots_of(asyncio.get_running_loop())
    await slots.acquire()
    await slots.acquire()
    try:
        with pytest.raises(PasswordChecksBusy) as busy:
            await verify_password("h", "p")
    finally:
        slots.release()
        slots.release()
    assert busy.value.status == 503
    assert busy.value.headers == {"Retry-After": "1"}
