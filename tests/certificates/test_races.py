"""Completions racing on their own connections issue one certificate."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from lectern import events
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate, Enrollment
from tests.conftest import Live


async def test_parallel_completions_issue_one_certificate(live: Live) -> None:
    _, course, [learner] = await live.school(1)
    async with live.sessions() as session:
        enrollment = await session.scalar(
            select(Enrollment).where(Enrollment.user_id == learner.id)
        )
    assert enrollment is not None
    fact = CourseCompleted(enrollment.id, learner.id, course.id)

    async def complete() -> None:
        async with live.sessions() as session:
            await events.publish(session, fact)
            await session.commit()

    await asyncio.gather(*(complete() for _ in range(6)))

    async with live.sessions() as session:
        issued = list(
            await session.scalars(select(Certificate).where(Certificate.user_id == learner.id))
        )
        assert len(issued) == 1
        await session.execute(delete(Certificate).where(Certificate.user_id == learner.id))
        await session.commit()
