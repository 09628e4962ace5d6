"""Completions racing on their own connections issue one certificate."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import delete, select

from lectern import events
from lectern.learning.events import CourseCompleted
from lectern.models import (
    Certificate,
    Course,
    CourseStatus,
    Enrollment,
    User,
    UserRole,
)
from tests.conftest import Live
from tests.factories import PASSWORD_HASH


async def test_parallel_completions_issue_one_certificate(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    teacher = User(
        name="T",
        username=f"t{n}",
        email=f"t{n}@x.test",
        password_hash=PASSWORD_HASH,
        role=UserRole.INSTRUCTOR,
    )
    learner = User(name="L", username=f"l{n}", email=f"l{n}@x.test", password_hash=PASSWORD_HASH)
    await live.add(teacher, learner)
    course = Course(
        instructor_id=teacher.id,
        title="Race",
        slug=f"race-cert-{n}",
        status=CourseStatus.PUBLISHED,
        is_published=True,
        is_approved=True,
    )
    await live.add(course)
    enrollment = Enrollment(user_id=learner.id, course_id=course.id)
    await live.add(enrollment)  # fmt: skip
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
