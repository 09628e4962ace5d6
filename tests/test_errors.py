"""Every error is an RFC 9457 problem document, and a 500 reveals nothing inside."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from lectern.errors import NotFound, TooManyRequests, Unauthorized, install_error_handlers
from lectern.kit.schemas import Input
from lectern.middleware import RequestContextMiddleware


class Body(Input):
    name: str
    count: int


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    @app.post("/things")
    async def create(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret connection string postgresql://admin:pw@db")

    @app.get("/missing")
    async def missing() -> None:
        raise NotFound("no course with that slug")

    @app.get("/limited")
    async def limited() -> None:
        raise TooManyRequests(42)

    @app.get("/private")
    async def private() -> None:
        raise Unauthorized()

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://lectern.dev/problems/{code}"
    assert body["title"]
    assert body["detail"]
    return dict(body)


async def test_validation_errors_name_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"count": "many", "role": "admin"})
    body = assert_problem(response, 422, "validation_error")
    fields = {tuple(error["loc"]) for error in body["errors"]}  # type: ignore[attr-defined]
    assert fields == {("body", "name"), ("body", "count"), ("body", "role")}


async def test_validation_errors_do_not_echo_input(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"name": "x", "count": "hunter2-secret"})
    assert "hunter2-secret" not in response.text


async def test_nul_and_malformed_json_are_422(client: httpx.AsyncClient) -> None:
    nul = await client.post("/things", json={"name": "a\u0000b", "count": 1})
    assert_problem(nul, 422, "validation_error")
    broken = await client.post(
        "/things", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(broken, 422, "validation_error")


async def test_a_crash_is_a_500_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    body = assert_problem(response, 500, "internal_error")
    assert "postgresql" not in response.text
    assert "RuntimeError" not in response.text
    assert "has been logged" in str(body["detail"])


async def test_domain_errors(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/missing"), 404, "not_found")
    limited = await client.get("/limited")
    body = assert_problem(limited, 429, "too_many_requests")
    assert limited.headers["retry-after"] == "42"
    assert body["retry_after"] == 42
    private = await client.get("/private")
    assert_problem(private, 401, "unauthorized")
    assert private.headers["www-authenticate"].startswith("Bearer")
