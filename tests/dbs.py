"""Throwaway databases for tests: a file per database on SQLite, a database per test on PostgreSQL.

``LECTERN_TEST_DATABASE_URL`` picks the engine: unset (or a sqlite URL) runs on SQLite; a
PostgreSQL URL names the server and a database to connect through (CI makes a throwaway
one per run). Every database a test asks for is created beside it, named after it, and
dropped at the end of the session.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from lectern.db import async_url

SERVER_URL = os.environ.get("LECTERN_TEST_DATABASE_URL", "sqlite://")
BACKEND = make_url(SERVER_URL).get_backend_name()


_GIVEN_DB = make_url(SERVER_URL).database if BACKEND == "postgresql" else None
_PREFIX = _GIVEN_DB if _GIVEN_DB and _GIVEN_DB != "postgres" else "lectern_test"


def on_postgresql() -> bool:
    return BACKEND == "postgresql"


class Databases:
    """Creates and drops the databases of one test session."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.created: list[URL] = []

    def new(self) -> URL:
        if not on_postgresql():
            path = self.tmp_dir / f"{uuid.uuid4().hex}.db"
            url = make_url(f"sqlite+aiosqlite:///{path}")
        else:
            name = f"{_PREFIX}_{uuid.uuid4().hex[:12]}"
            asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
            url = async_url(SERVER_URL).set(database=name)
        self.created.append(url)
        return url

    def drop_all(self) -> None:
        if on_postgresql():
            for url in self.created:
                asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        self.created.clear()


async def _admin(statement: str) -> None:
    engine = create_async_engine(
        async_url(SERVER_URL).set(database=_GIVEN_DB or "postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()
