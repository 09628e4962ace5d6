"""The benchmarks' servers (a pool sized for the load, the same for Lectern and the floor) and
their database, vacuumed between measurements."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.endpoints import Options
from bench.harness import server_env, vacuum
from tests.dbs import Databases, on_postgresql

URL = make_url("postgresql+asyncpg://bench@127.0.0.1/bench")


def test_a_worker_pools_one_connection_per_request_in_flight() -> None:
    assert Options(workers=2, connections=32).pool == 16
    assert Options(workers=3, connections=32).pool == 11  # rounded up: none waits
    env = server_env(URL, pool=16)
    assert (env["LECTERN_DATABASE_POOL_SIZE"], env["LECTERN_DATABASE_MAX_OVERFLOW"]) == ("16", "0")


@pytest.mark.skipif(not on_postgresql(), reason="the benchmarks run on PostgreSQL")
def test_vacuum_clears_what_the_writes_left_behind(databases: Databases) -> None:
    """A table updated over and over, as a heartbeat updates its enrollment: once vacuumed,
    its dead row versions are gone (PostgreSQL's statistics say when it was vacuumed)."""
    url = databases.new()

    async def check() -> tuple[Any, int]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE beats (id int PRIMARY KEY, n int)"))
                await conn.execute(text("INSERT INTO beats VALUES (1, 0)"))
            for _ in range(50):
                async with engine.begin() as conn:
                    await conn.execute(text("UPDATE beats SET n = n + 1"))
        finally:
            await engine.dispose()
        await vacuum(url)
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        text(
                            "SELECT last_vacuum, n_dead_tup FROM pg_stat_user_tables"
                            " WHERE relname = 'beats'"
                        )
                    )
                ).one()
                return row.last_vacuum, row.n_dead_tup
        finally:
            await engine.dispose()

    last_vacuum, dead = asyncio.run(check())
    assert last_vacuum is not None
    assert dead == 0
