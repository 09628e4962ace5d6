"""Health probes and the OpenAPI document."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lectern.app import create_app
from lectern.db import create_engine


async def client_for(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(engine)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://lectern.test") as client:
            yield client


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(engine):
        yield client


async def test_live(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_not_ready_without_a_database() -> None:
    engine = create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    async for client in client_for(engine):
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 503
        assert body["type"].endswith("/database_unavailable")
        assert "cannot reach the database" in body["detail"]
    await engine.dispose()


async def test_openapi_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/health/ready" in response.json()["paths"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
