"""What operators configure: CORS, security headers, the body limit, the log lines and
OpenTelemetry."""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from lectern import config
from lectern.app import YOUNG_THRESHOLD, create_app
from lectern.logs import JsonFormatter, request_id_var


@pytest.fixture
async def configured(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[FastAPI]:
    monkeypatch.setenv("LECTERN_CORS_ORIGINS", '["https://school.example.com"]')
    monkeypatch.setenv("LECTERN_SECURITY_HEADERS", "false")
    monkeypatch.setenv("LECTERN_MAX_REQUEST_BYTES", "100")
    config.app_settings.cache_clear()
    app = create_app(engine)
    async with app.router.lifespan_context(app):
        yield app
    config.app_settings.cache_clear()


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_cors_allows_configured_origins_only(configured: FastAPI) -> None:
    async for client in _client(configured):
        allowed = await client.options(
            "/api/v1/auth/login",
            headers={
                "Origin": "https://school.example.com",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert allowed.headers["access-control-allow-origin"] == "https://school.example.com"
        other = await client.get("/health/live", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


async def test_security_headers_can_be_switched_off(configured: FastAPI) -> None:
    async for client in _client(configured):
        response = await client.get("/health/live")
        assert "x-frame-options" not in response.headers


async def test_the_body_limit_is_configurable(configured: FastAPI) -> None:
    async for client in _client(configured):
        response = await client.post("/api/v1/auth/login", content=b"{" + b" " * 200 + b"}")
        assert response.status_code == 413


def test_log_lines_are_json_with_the_request_id() -> None:
    token = request_id_var.set("req-12345678")
    try:
        record = logging.LogRecord(
            "lectern.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None
        )
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "GET /x"
    assert line["status"] == 200
    assert line["level"] == "info"


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    """The spans of this process's OpenTelemetry tracer provider, as a deployment's SDK would
    export them (a process has one provider: set once)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


@pytest.mark.parametrize("enabled", [True, False])
async def test_opentelemetry_traces_requests_only_when_turned_on(
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    spans: InMemorySpanExporter,
    enabled: bool,
) -> None:
    monkeypatch.setenv("LECTERN_OPENTELEMETRY", str(enabled).lower())
    config.app_settings.cache_clear()
    spans.clear()
    try:
        app = create_app(engine)
        async with app.router.lifespan_context(app):
            async for client in _client(app):
                assert (await client.get("/health/live")).status_code == 200
    finally:
        config.app_settings.cache_clear()
    traced = [span.name for span in spans.get_finished_spans()]
    assert any("/health/live" in name for name in traced) is enabled


async def test_a_serving_app_collects_young_objects_rarely(engine: AsyncEngine) -> None:
    """Young collections wait for YOUNG_THRESHOLD new objects while the app serves (the
    default 700 made one every few requests under load)."""
    previous = gc.get_threshold()
    gc.set_threshold(700, *previous[1:])
    try:
        app = create_app(engine)
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (YOUNG_THRESHOLD, *previous[1:])
    finally:
        gc.set_threshold(*previous)
