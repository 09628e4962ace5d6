"""Shared fixtures: throwaway databases built by the migrations, sessions, the app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern import migrate
from lectern.db import create_engine, session_factory
from tests.dbs import Databases


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(Path(tmp_path_factory.mktemp("databases")))
    yield dbs
    dbs.drop_all()


@pytest.fixture
def empty_db(databases: Databases) -> URL:
    """A new database with no tables."""
    return databases.new()


@pytest.fixture(scope="session")
def migrated_db(databases: Databases) -> URL:
    """One database per test session, migrated to head. Tests on it roll back their writes."""
    url = databases.new()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
async def engine(migrated_db: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_db)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose work is rolled back at the end of the test."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        factory = session_factory(engine)
        async with factory(bind=conn, join_transaction_mode="create_savepoint") as session:
            yield session
        await transaction.rollback()
