"""Health probes, the OpenAPI document, and what every response carries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from lectern.app import create_app
from lectern.db import create_engine


async def test_live(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def _client_without_database() -> AsyncIterator[httpx.AsyncClient]:
    engine = create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    app = create_app(engine)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client
    await engine.dispose()


async def test_not_ready_without_a_database() -> None:
    async for client in _client_without_database():
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 503
        assert body["type"].endswith("/database_unavailable")
        assert "cannot reach the database" in body["detail"]


async def test_openapi_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/health/ready" in response.json()["paths"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200


async def test_every_response_has_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/health/live")
    second = await client.get("/health/live")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    kept = await client.get("/health/live", headers={"X-Request-ID": "trace-1234abcd"})
    assert kept.headers["x-request-id"] == "trace-1234abcd"
    replaced = await client.get("/health/live", headers={"X-Request-ID": "<script>"})
    assert replaced.headers["x-request-id"] != "<script>"


async def test_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]


async def test_unknown_paths_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"].endswith("/not_found")
    wrong = await client.delete("/health/live")
    assert wrong.status_code == 405
    assert wrong.json()["type"].endswith("/method_not_allowed")


async def test_nul_bytes_in_urls_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/users?q=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


async def test_large_bodies_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/login", content=b"x" * 2_000_000)
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"y" * 65536

    streamed = await client.post("/api/v1/auth/login", content=chunks())
    assert streamed.status_code == 413


async def test_a_body_without_a_length_is_measured_unless_http1_says_there_is_none() -> None:
    """HTTP/1 without Content-Length or Transfer-Encoding has no body: passed on unread. A
    body over HTTP/2 needs neither header: it is read and refused over the limit."""
    from lectern.middleware import BodySizeLimitMiddleware

    seen: list[bytes] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append((await receive())["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    limited = BodySizeLimitMiddleware(app, max_bytes=10, upload_max_bytes=10)

    async def call(http_version: str, body: bytes) -> int:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "http_version": http_version, "headers": []}
        await limited(scope, receive, send)
        return int(sent[0]["status"])

    assert await call("1.1", b"") == 200
    assert await call("2", b"x" * 11) == 413
    assert await call("2", b"x" * 10) == 200
    assert seen == [b"", b"x" * 10]


async def test_a_response_keeps_its_own_security_policy(client: httpx.AsyncClient) -> None:
    from lectern.openapi import DOCS_POLICY

    response = await client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers.get_list("content-security-policy") == [DOCS_POLICY]
    assert response.headers["x-frame-options"] == "DENY"
