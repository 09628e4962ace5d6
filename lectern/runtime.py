"""Lectern's work outside a request (CLI commands, scripts): the domains loaded, a database
bound for units of work, and the jobs they queue sent before the process moves on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lectern import db, jobs, registry


@asynccontextmanager
async def database(url: str | URL | None = None) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the database at ``url`` (default: the configured one), bound as the
    process's (``db.unit_of_work()``). On the way out, in-process jobs finish first: a job
    queued by a command runs before the command returns."""
    registry.load()
    engine = db.create_engine(url)
    sessions = db.session_factory(engine)
    previous = db.bind_sessions(sessions)
    connects = not jobs.in_process()  # Redis: a connection to open and close
    if connects:
        await jobs.broker.startup()
    try:
        yield sessions
    finally:
        try:
            await jobs.wait_for_jobs()
            if connects:
                await jobs.broker.shutdown()
        finally:
            db.bind_sessions(previous)
            await engine.dispose()
