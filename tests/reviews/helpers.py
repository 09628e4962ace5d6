"""Rows the review tests share: a published course, its instructor, learners part-way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, Enrollment, EnrollmentType, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user


async def learner_at(
    db: AsyncSession, course: Course, percent: int = 60, **values: Any
) -> tuple[User, Enrollment]:
    """A learner enrolled in ``course`` with ``percent`` of it done."""
    user = await create_user(db, **values)
    enrollment = await create_enrollment(
        db,
        user,
        course,
        enrollment_type=EnrollmentType.PAID,
        progress_percentage=Decimal(percent),
    )
    return user, enrollment


async def post_review(
    client: httpx.AsyncClient, user: User, course: Course, rating: float | str = 4, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/courses/{course.uuid}/reviews",
        json={"rating": rating, **body},
        headers=bearer(user),
    )


def code(answer: httpx.Response) -> str:
    """The machine code of a problem answer (the last segment of its ``type``)."""
    return str(answer.json()["type"]).rsplit("/", 1)[-1]
