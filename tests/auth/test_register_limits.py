"""Sign-up limits: a class signing up together behind one school address gets through; a bot
from one address, or one e-mail address signed up again and again, is held back."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, User
from tests.auth.helpers import API, assert_problem
from tests.conftest import Live, app_client


def signed_up(tag: str) -> ColumnElement[bool]:
    return User.email.like(f"%-{tag}@school.example")


def new_account(n: int, email: str | None = None) -> dict[str, str]:
    return {
        "name": f"Pupil {n}",
        "email": email or f"pupil{n}@school.example",
        "password": "Blackboard-2026",
    }


async def users(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(User)) or 0)


async def test_a_class_signs_up_together_from_one_address(live: Live) -> None:
    """Thirty pupils at once, from one address, under the configured limits (committing for
    real, in parallel)."""
    tag = uuid.uuid4().hex[:8]
    pupils = [new_account(n, f"pupil{n}-{tag}@school.example") for n in range(30)]
    try:
        answers = await asyncio.gather(
            *(live.client.post(f"{API}/register", json=pupil) for pupil in pupils)
        )

        assert [answer.status_code for answer in answers] == [202] * 30
        async with live.sessions() as session:
            assert await session.scalar(select(func.count()).where(signed_up(tag))) == 30
    finally:
        async with live.sessions() as session:
            ids = select(User.id).where(signed_up(tag)).scalar_subquery()
            await session.execute(delete(ActivityLog).where(ActivityLog.user_id.in_(ids)))
            await session.execute(delete(User).where(signed_up(tag)))
            await session.commit()


async def test_a_bot_from_one_address_is_held_back(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The configured burst (40) and day (200) made smaller: the same rules, fewer hashes.
    limiter = app.state.rate_limiter
    rate = "4/10minutes;6/day"
    monkeypatch.setattr(
        limiter, "settings", limiter.settings.model_copy(update={"register_rate": rate})
    )
    before = await users(db)

    burst = [await client.post(f"{API}/register", json=new_account(n)) for n in range(5)]

    assert [answer.status_code for answer in burst[:4]] == [202] * 4
    refused = assert_problem(burst[4], 429, "too_many_requests")
    assert 0 < refused["retry_after"] <= 600
    assert await users(db) == before + 4
    # Another school's address is counted apart.
    async with app_client(app, ("198.51.100.20", 4000)) as elsewhere:
        answer = await elsewhere.post(f"{API}/register", json=new_account(99))
    assert answer.status_code == 202


async def test_one_address_signed_up_again_and_again_is_held_back(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    addresses = [("203.0.113.1", 1), ("203.0.113.2", 2), ("203.0.113.3", 3), ("203.0.113.4", 4)]
    answers = []
    for host, n in addresses:  # from four machines, so only the address's own limit counts
        async with app_client(app, (host, 4000)) as c:
            answers.append(
                await c.post(f"{API}/register", json=new_account(n, "Victim@Example.com"))
            )

    assert [answer.status_code for answer in answers[:3]] == [202] * 3
    assert_problem(answers[3], 429, "too_many_requests")
    accounts = await db.scalar(
        select(func.count()).select_from(User).where(User.email == "victim@example.com")
    )
    assert accounts == 1
