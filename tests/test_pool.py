"""Taking a pooled connection without SQLAlchemy's greenlet (lectern.kit.pool): only when the
pool hands one over without I/O; in the greenlet, which can connect, otherwise.

On PostgreSQL, where the unit of work holds a connection of its own (lectern.kit.prebuilt).
The tests give connections back with a plain close(), as the unit of work does once no
transaction is open: asyncpg's has nothing to roll back then (aiosqlite's always awaits)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from lectern import db
from lectern.kit import pool
from lectern.kit.prebuilt import Prebuilt
from lectern.models import User
from tests.dbs import on_postgresql

pytestmark = pytest.mark.skipif(not on_postgresql(), reason="the held connection is PostgreSQL's")


@asynccontextmanager
async def pool_of_one(url: URL, **options: Any) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(url, pool_size=1, max_overflow=0, **options)
    try:
        yield engine
    finally:
        await engine.dispose()


@contextmanager
def greenlets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[..., Any]]]:
    """The functions lectern.kit.pool ran in SQLAlchemy's greenlet inside the block."""
    spawned: list[Callable[..., Any]] = []
    spawn = pool.greenlet_spawn

    async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        spawned.append(fn)
        return await spawn(fn, *args, **kwargs)

    monkeypatch.setattr(pool, "greenlet_spawn", counted)
    yield spawned


def driver_of(pooled: Any) -> Any:
    return pooled.driver_connection


async def test_an_idle_open_connection_is_taken_without_the_greenlet(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first checkout connects (in the greenlet); once that connection is back in the
    pool, the next takes it directly: the same driver connection, working."""
    async with pool_of_one(migrated_db) as engine:
        sync = engine.sync_engine
        with greenlets(monkeypatch) as spawned:
            assert not pool.at_once(sync)  # nothing idle yet
            first = await pool.checkout(sync)
            assert len(spawned) == 1
            driver = driver_of(first)
            first.close()

            assert pool.at_once(sync)
            second = await pool.checkout(sync)
            assert len(spawned) == 1  # no greenlet this time
            assert driver_of(second) is driver
            assert await driver_of(second).fetchval("SELECT 1") == 1
            assert sync.pool.checkedout() == 1  # type: ignore[attr-defined]
            second.close()
        assert sync.pool.checkedin() == 1  # type: ignore[attr-defined]


async def test_a_connection_due_for_recycling_is_taken_in_the_greenlet(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine that recycles its connections at once (pool_recycle=0): the idle connection
    must be replaced, which connects, so the checkout goes through the greenlet and gets a
    new connection."""
    async with pool_of_one(migrated_db, pool_recycle=0) as engine:
        sync = engine.sync_engine
        with greenlets(monkeypatch) as spawned:
            first = await pool.checkout(sync)
            old = driver_of(first)
            first.close()
            assert not pool.at_once(sync)
            second = await pool.checkout(sync)
            assert len(spawned) == 2
            assert driver_of(second) is not old
            second.close()


async def test_an_invalidated_connection_is_replaced_in_the_greenlet(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection invalidated (after a disconnect, say) goes back to the pool without its
    driver connection: the next checkout connects, in the greenlet."""
    async with pool_of_one(migrated_db) as engine:
        sync = engine.sync_engine
        with greenlets(monkeypatch) as spawned:
            first = await pool.checkout(sync)
            old = driver_of(first)
            await greenlet_spawn(first.invalidate)  # it closes the driver's connection
            first.close()
            assert not pool.at_once(sync)
            second = await pool.checkout(sync)
            assert driver_of(second) is not old
            assert len(spawned) == 2
            second.close()


@pytest.mark.parametrize("why", ["pre_ping", "checkout_listener"])
async def test_a_pool_that_checks_its_connections_out_with_io_uses_the_greenlet(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    """Pre-ping, or a checkout listener (which may run a statement), may need I/O on every
    checkout: such a pool is always asked in the greenlet."""
    options = {"pool_pre_ping": True} if why == "pre_ping" else {}
    async with pool_of_one(migrated_db, **options) as engine:
        sync = engine.sync_engine
        heard: list[object] = []
        if why == "checkout_listener":
            event.listen(sync.pool, "checkout", lambda *args: heard.append(args))
        with greenlets(monkeypatch) as spawned:
            (await pool.checkout(sync)).close()
            assert not pool.at_once(sync)
            (await pool.checkout(sync)).close()
            assert len(spawned) == 2
        if why == "checkout_listener":
            assert len(heard) == 2


async def test_if_the_pool_needs_io_after_all_the_greenlet_takes_over(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Told (wrongly) that an empty pool hands a connection over at once, the direct
    checkout meets SQLAlchemy's refusal to connect outside its greenlet; the greenlet then
    connects as usual and the pool is as it should be."""
    monkeypatch.setattr(pool, "at_once", lambda _engine: True)
    async with pool_of_one(migrated_db) as engine:
        sync = engine.sync_engine
        with greenlets(monkeypatch) as spawned, pytest.warns(RuntimeWarning, match="never awaited"):
            pooled = await pool.checkout(sync)
        assert len(spawned) == 1
        assert sync.pool.checkedout() == 1  # type: ignore[attr-defined]
        pooled.close()
        assert sync.pool.checkedin() == 1  # type: ignore[attr-defined]


async def test_units_of_work_take_their_connection_without_the_greenlet(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit of work's prebuilt read takes its connection from the pool: in the greenlet
    the first time (it connects), directly afterwards."""
    users = Prebuilt(User.__table__.select().limit(1))
    async with pool_of_one(migrated_db) as engine:
        sessions = db.session_factory(engine)
        with greenlets(monkeypatch) as spawned:
            for _ in range(3):
                async with db.unit_of_work(sessions) as session:
                    await users.rows(session)
        assert len(spawned) == 1
        assert engine.sync_engine.pool.checkedin() == 1  # type: ignore[attr-defined]
