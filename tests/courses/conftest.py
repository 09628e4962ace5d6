"""Fixtures of the course authoring tests: the people involved."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import User
from tests.factories import create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin

BASE = "/api/v1/studio/courses"


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
