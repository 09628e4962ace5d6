"""Sign-ups racing for one address, committing for real: one account, and every racer gets the
answer any taken address gets (202), never a 409 that names the address."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import delete, func, select

from lectern.models import ActivityLog, User
from tests.auth.helpers import API
from tests.conftest import Live


async def test_parallel_sign_ups_with_one_address_all_answer_202(live: Live) -> None:
    live.app.state.rate_limiter.enabled = False
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    body = {"name": "Racer", "email": email, "password": "Racing-pass-2026"}
    try:
        responses = await asyncio.gather(
            *(live.client.post(f"{API}/register", json=body) for _ in range(8))
        )
        assert [r.status_code for r in responses] == [202] * 8, [r.text for r in responses]
        assert len({r.text for r in responses}) == 1
        async with live.sessions() as session:
            assert await session.scalar(select(func.count()).where(User.email == email)) == 1
    finally:
        async with live.sessions() as session:
            ids = select(User.id).where(User.email == email).scalar_subquery()
            await session.execute(delete(ActivityLog).where(ActivityLog.user_id.in_(ids)))
            await session.execute(delete(User).where(User.email == email))
            await session.commit()
