"""Password hashing with argon2id, and the strength rule every new password meets.

Hashing is slow and memory-hungry on purpose. It runs in worker threads (argon2 releases
the GIL), never on the event loop, so one sign-in does not stall every other request of
its process; and at most ``password_hashing_concurrency`` run at once (default: the number
of cores), so a flood of logins cannot take a worker's memory with it. A check that cannot
start within ``password_queue_seconds`` is a 503 with Retry-After. A sign-in checks the
password with the database handed back (``check_password``: nothing is written before it),
so neither SQLite's write lock nor a PostgreSQL connection waits on a hash; a new password
is hashed before the transaction opens.

The parameters are OWASP's first argon2id profile (19 MiB, 2 passes, 1 lane): about 20 ms
and 19 MiB a hash. Hashes made with other parameters still verify, and are remade at the
next sign-in (``needs_rehash``).
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.config import auth_settings
from lectern.db import release
from lectern.errors import LecternError
from lectern.models import User

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_LENGTH = 10
MAX_LENGTH = 128

T = TypeVar("T")


class WeakPasswordError(LecternError):
    status = 422
    code = "weak_password"


class PasswordChecksBusy(LecternError):
    status = 503
    code = "busy"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many password checks are waiting; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
            extra={"retry_after": retry_after},
        )


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


async def hash_password(password: str) -> str:
    return await _bounded(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    return await _bounded(verify_now, password_hash, password)


def hash_now(password: str) -> str:
    """Hash on this thread: for scripts and seeding, never in a request."""
    return _hasher.hash(password)


def verify_now(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for hashes made with other parameters (or another scheme) than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@dataclass(frozen=True)
class CheckedPassword:
    right: bool
    user: User  # read again after the check
    new_hash: str | None  # a hash with today's parameters, when the stored one is older


async def check_password(
    session: AsyncSession, user: User, password: str, *, rehash: bool = False
) -> CheckedPassword:
    """Whether ``password`` is ``user``'s. The check (and a rehash) runs with the database
    handed back (nothing is written before it), and the user is read again after it."""
    stored, user_id = user.password_hash, user.id
    await release(session)
    right = await verify_password(stored, password)
    new_hash = await hash_password(password) if right and rehash and needs_rehash(stored) else None
    return CheckedPassword(right, await session.get_one(User, user_id), new_hash)


# One limit per event loop (a semaphore belongs to the loop that first waits on it).
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _slots_of(loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
    if loop not in _slots:
        limit = auth_settings().password_hashing_concurrency or os.cpu_count() or 2
        _slots[loop] = asyncio.Semaphore(limit)
    return _slots[loop]


async def _bounded(work: Callable[..., T], *args: str) -> T:
    slots = _slots_of(asyncio.get_running_loop())
    wait = auth_settings().password_queue_seconds
    try:
        async with asyncio.timeout(wait):
            await slots.acquire()
    except TimeoutError:
        raise PasswordChecksBusy(max(1, math.ceil(wait))) from None
    try:
        return await asyncio.to_thread(work, *args)
    finally:
        slots.release()
