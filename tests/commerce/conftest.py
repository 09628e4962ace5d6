"""Fixtures of the commerce tests: a seller, a buyer, and courses on sale."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, User
from tests.factories import create_user
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course

CART = "/api/v1/cart"


@pytest.fixture(autouse=True)
def _files(files: Path) -> Path:
    """Paid orders get invoices rendered into the file storage: a folder per test."""
    return files


@pytest.fixture
async def seller(db: AsyncSession) -> User:
    return await create_instructor(db, name="Sally Seller")


@pytest.fixture
async def buyer(db: AsyncSession) -> User:
    return await create_user(db, name="Bea Buyer")


async def on_sale(db: AsyncSession, seller: User, price: str = "49.99", **values: object) -> Course:
    return await create_published_course(db, seller, price=Decimal(price), **values)


@pytest.fixture
async def course(db: AsyncSession, seller: User) -> Course:
    return await on_sale(db, seller, title="Python for Everyone")
