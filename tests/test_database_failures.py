"""A database that fails answers a problem document with the request's id, never a dropped
connection: unreachable, out of connections, or a connection killed mid-request is a 503
with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from lectern.app import create_app
from lectern.db import SessionDep, create_engine
from lectern.kit.routing import API_PREFIX
from tests.dbs import on_postgresql

postgres_only = pytest.mark.skipif(not on_postgresql(), reason="PostgreSQL's connections")


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "2"
    assert len(response.headers["x-request-id"]) >= 8
    body = response.json()
    assert body["type"].endswith("/database_unavailable")
    assert body["retry_after"] == 2


async def serve(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(engine)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://lectern.test") as c:
            yield c


async def test_an_unreachable_database_is_a_503(tmp_path: Path, migrated_db: URL) -> None:
    if on_postgresql():
        url = migrated_db.set(port=9)  # nothing listens there: refused
    else:
        url = f"sqlite:///{tmp_path}/missing-folder/lectern.db"  # cannot be opened
    engine = create_engine(url)
    try:
        async for client in serve(engine):
            assert_unavailable(await client.get(f"{API_PREFIX}/courses"))
    finally:
        await engine.dispose()


@postgres_only
async def test_no_free_connection_in_the_pool_is_a_503(migrated_db: URL) -> None:
    engine = create_engine(migrated_db, pool_size=1, max_overflow=0, pool_timeout=0.3)
    try:
        async with engine.connect() as held:  # the pool's only connection, taken
            await held.execute(text("SELECT 1"))
            async for client in serve(engine):
                assert_unavailable(await client.get(f"{API_PREFIX}/courses"))
    finally:
        await engine.dispose()


@postgres_only
async def test_a_connection_killed_mid_request_is_a_503(
    migrated_db: URL, engine: AsyncEngine
) -> None:
    own = create_engine(migrated_db, pool_size=2, max_overflow=0)
    app: FastAPI = create_app(own)

    @app.get(f"{API_PREFIX}/test-slow")
    async def slow(session: SessionDep) -> None:
        await session.execute(text("SELECT pg_sleep(10) /* killed by the test */"))

    async def kill_when_running() -> None:
        async with engine.connect() as connection:
            # Autocommit: a transaction would keep its first snapshot of pg_stat_activity.
            admin = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for _ in range(100):
                killed = await admin.scalar(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE query LIKE '%killed by the test%' AND pid <> pg_backend_pid()"
                    )
                )
                if killed:
                    return
                await asyncio.sleep(0.05)

    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response, _ = await asyncio.gather(
                    client.get(f"{API_PREFIX}/test-slow"), kill_when_running()
                )
        assert_unavailable(response)
    finally:
        await own.dispose()
