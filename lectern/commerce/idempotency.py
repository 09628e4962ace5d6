"""Idempotency-Key: a retried request gets the first answer instead of doing the work again.

A client sends a key of its choosing with a request that must not happen twice (a checkout).
The key is claimed in the request's own unit of work before the work starts: a retry with
the same key and body gets the stored answer; the same key with another body is 422
`idempotency_key_reused`. Two requests with one key at once: the second waits for the
first's commit (the key's unique index) and then gets its answer. A request that fails
leaves no key behind (its unit of work rolls back), so a retry does the work. Keys are kept
24 hours, per user and per kind of request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, InvalidInput
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.models import IdempotencyKey

KEPT = timedelta(hours=24)

# The header, as the routes that take it declare it.
KeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=255,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="A key of your choosing (a UUID, say): a retry with the same key and body "
        "gets the first answer instead of doing the work again (kept 24 hours).",
    ),
]


@dataclass(frozen=True)
class Stored:
    status_code: int
    response: dict[str, Any]


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def claim(
    session: AsyncSession, user_id: int, scope: str, key: str, body: Any
) -> Stored | None:
    """None when the work is this request's to do; the first answer when it was done."""
    digest = request_hash(body)
    now = utcnow()
    await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at < now - KEPT,
        )
    )
    values = {
        "user_id": user_id,
        "scope": scope,
        "key": key,
        "request_hash": digest,
        "created_at": now,
        "updated_at": now,
    }
    if await insert_ignore(session, IdempotencyKey, values, ["user_id", "scope", "key"]):
        return None
    first = await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
        )
    )
    assert first is not None
    if first.request_hash != digest:
        raise InvalidInput(
            "this Idempotency-Key was used with another request",
            field="header.Idempotency-Key",
            code="idempotency_key_reused",
        )
    if first.response is None or first.status_code is None:
        raise Conflict("the first request with this key is still under way", code="in_progress")
    return Stored(first.status_code, first.response)


async def remember(
    session: AsyncSession,
    user_id: int,
    scope: str,
    key: str,
    status_code: int,
    response: dict[str, Any],
) -> None:
    """Keep the answer to the request that claimed ``key``."""
    kept = await session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
        )
        .values(status_code=status_code, response=response, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert rowcount(kept) == 1


async def answered(
    session: AsyncSession,
    user_id: int,
    scope: str,
    key: str | None,
    body: Any,
    response: Response,
) -> dict[str, Any] | None:
    """The first answer to a request retried with ``key`` (its status set on ``response``),
    or None: this request does the work (and ``keep`` its answer)."""
    if key is None:
        return None
    stored = await claim(session, user_id, scope, key, body)
    if stored is None:
        return None
    response.status_code = stored.status_code
    return stored.response


async def keep(
    session: AsyncSession, user_id: int, scope: str, key: str | None, status: int, out: BaseModel
) -> None:
    """Keep the answer of the request that claimed ``key`` (nothing without a key)."""
    if key is not None:
        await remember(session, user_id, scope, key, status, out.model_dump(mode="json"))


async def forget_expired(session: AsyncSession) -> int:
    """Delete the keys older than 24 hours."""
    result = await session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEPT)
    )
    return rowcount(result)
