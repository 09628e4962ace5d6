"""Users the platform tests act as."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import User, UserRole
from tests.factories import create_user


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_user(db, role=UserRole.ADMIN, name="Ada Admin")


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db, role=UserRole.STUDENT)
