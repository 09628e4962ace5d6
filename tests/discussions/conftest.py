"""A course with its instructor, an assistant, two enrolled learners and a stranger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import Course, CourseInstructorRole, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.learning import create_published_course


@dataclass
class School:
    course: Course
    teacher: User
    assistant: User
    ada: User
    alan: User
    stranger: User


@pytest.fixture
async def school(db: AsyncSession) -> School:
    old = utcnow() - timedelta(days=30)
    teacher = await create_instructor(db, name="Grace Hopper", username="grace")
    course = await create_published_course(db, teacher, title="Compilers")
    assistant = await create_user(db, name="Linus T", username="linus", created_at=old)
    await create_co_instructor(db, course, assistant, role=CourseInstructorRole.ASSISTANT)
    ada = await create_user(db, name="Ada Lovelace", username="ada", created_at=old)
    alan = await create_user(db, name="Alan Turing", username="alan", created_at=old)
    for learner in (ada, alan):
        await create_enrollment(db, learner, course)
    stranger = await create_user(db, name="Eve", username="eve", created_at=old)
    return School(course, teacher, assistant, ada, alan, stranger)


async def ask(client: httpx.AsyncClient, school: School, user: User, **body: Any) -> httpx.Response:
    body.setdefault("title", "How do parsers work?")
    body.setdefault("content", "I am *stuck* on LR(1).")
    return await client.post(
        f"/api/v1/courses/{school.course.uuid}/discussions", json=body, headers=bearer(user)
    )


async def reply(
    client: httpx.AsyncClient,
    thread: str,
    user: User,
    content: str = "Read the dragon book.",
    **body: Any,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/discussions/{thread}/replies",
        json={"content": content, **body},
        headers=bearer(user),
    )
