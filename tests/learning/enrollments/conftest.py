"""Fixtures of the enrollment tests: the people, a free course, and a row re-read helper."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, User
from tests.factories import create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course

ENROLLMENTS = "/api/v1/enrollments"


def studio(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}/enrollments"


@pytest.fixture
async def owner(db: AsyncSession) -> User:
    return await create_instructor(db, name="Olive Owner")


@pytest.fixture
async def other(db: AsyncSession) -> User:
    return await create_instructor(db, name="Oscar Other")


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db, name="Stu Dent")


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_admin(db, name="Ada Admin")


@pytest.fixture
async def course(db: AsyncSession, owner: User) -> Course:
    return await create_published_course(db, owner, title="Free Python")


async def fresh(db: AsyncSession, model: type[Any], row_id: int) -> Any:
    """The row as the database has it now."""
    return await db.scalar(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    )
