"""Routing: a domain router refuses paths outside its prefix at once, and routes still resolve;
a route holds its unit of work (an ``opened_by_route`` dependency) around its work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from fastapi import Depends, FastAPI, HTTPException, Request
from httpx import ASGITransport, AsyncClient
from starlette.routing import Match

from lectern.kit.routing import API_PREFIX, ApiRouter, OpeningRoute, opened_by_route


def _scope(path: str, root_path: str = "") -> dict[str, object]:
    return {"type": "http", "method": "GET", "path": path, "root_path": root_path}


def test_a_path_outside_the_prefix_is_not_the_routers() -> None:
    router = ApiRouter(prefix="/studio/courses/{course_uuid}")

    @router.get("/things")
    async def things() -> None: ...

    assert router.path_start == "/api/v1/studio/courses/"
    assert router.matches(_scope("/api/v1/courses/python")) == (Match.NONE, {})
    assert router.matches(_scope("/studio/courses/x/things")) == (Match.NONE, {})


def test_the_root_path_of_a_proxy_is_not_part_of_the_prefix() -> None:
    from lectern.kit.routing import _route_path

    assert _route_path(_scope("/school/api/v1/courses", "/school")) == "/api/v1/courses"
    assert _route_path(_scope("/api/v1/courses", "/school")) == "/api/v1/courses"
    assert _route_path(_scope("/schoolx/api", "/school")) == "/schoolx/api"


async def test_routes_under_several_routers_resolve(client: AsyncClient) -> None:
    # /courses (the catalog), /studio/courses (studio, auth needed), a path nobody serves.
    assert (await client.get("/api/v1/courses")).status_code == 200
    assert (await client.get("/api/v1/studio/courses")).status_code == 401
    missing = await client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_a_router_without_a_prefix_checks_the_first_segment() -> None:
    router = ApiRouter()

    @router.get("/categories/{slug}")
    async def category(slug: str) -> str:
        return slug

    @router.get("/tags")
    async def tags() -> str:
        return "tags"

    assert router.heads() == {"categories", "tags"}
    assert router.matches(_scope("/api/v1/courses/python")) == (Match.NONE, {})
    app = FastAPI()
    app.include_router(router, prefix=API_PREFIX)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/api/v1/categories/art")).json() == "art"
        assert (await client.get("/api/v1/tags")).json() == "tags"
        assert (await client.get("/api/v1/courses")).status_code == 404

    @router.get("/{anything}")
    async def anything() -> None: ...

    # A path starting with a parameter may match anywhere: no shortcut then.
    assert router.heads() is None


def test_routers_are_grouped_by_first_segment_keeping_their_order() -> None:
    from lectern.kit.routing import Branch, branches

    learn_assignments = ApiRouter(prefix="/learn/{course_uuid}/assignments")
    studio = ApiRouter(prefix="/studio/courses")
    learn = ApiRouter(prefix="/learn")
    mixed = ApiRouter()  # /courses/… and /studio/…: joins studio's branch

    @mixed.get("/courses/{slug}/reviews")
    async def reviews() -> None: ...

    @mixed.get("/studio/reviews")
    async def studio_reviews() -> None: ...

    catalog = ApiRouter(prefix="/courses")
    grouped = branches([learn_assignments, studio, learn, mixed, catalog])
    assert all(isinstance(branch, Branch) for branch in grouped)
    assert [set(branch.heads) for branch in grouped] == [{"learn"}, {"studio", "courses"}]
    included = [[route.original_router for route in b.routes] for b in grouped]  # type: ignore[attr-defined]
    assert included == [[learn_assignments, learn], [studio, mixed, catalog]]
    assert grouped[0].matches(_scope("/api/v1/courses")) == (Match.NONE, {})

    # A router whose paths may start anywhere: no grouping.
    anywhere = ApiRouter()

    @anywhere.get("/{slug}")
    async def page() -> None: ...

    assert branches([studio, anywhere]) == [studio, anywhere]


def test_a_prefix_with_a_parameter_refuses_other_paths_under_its_start() -> None:
    router = ApiRouter(prefix="/learn/{course_uuid}/assignments")
    assert router._under_prefix("/api/v1/learn/c1/assignments/a1")
    assert router._under_prefix("/api/v1/learn/c1/assignments")
    assert router._under_prefix("/api/v1/learn/c1/assignments.csv")
    assert not router._under_prefix("/api/v1/learn/c1/lessons/l1/heartbeat")
    assert not router._under_prefix("/api/v1/learn/c1")


def _opening_app(events: list[str]) -> tuple[FastAPI, object]:
    """An app whose routes take a dependency held open around them, logging what happens
    (the dependencies in the parameters' defaults: the annotations are strings here)."""

    @contextlib.asynccontextmanager
    async def held(_request: Request) -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "the value"
        except Exception:
            events.append("failed")
            raise
        events.append("closed")

    opened = opened_by_route(held)
    app = FastAPI()
    app.router.route_class = OpeningRoute

    async def uses(value: str = Depends(opened)) -> str:
        return value

    @app.get("/twice")
    async def twice(value: str = Depends(opened), again: str = Depends(uses)) -> dict[str, str]:
        events.append("endpoint")
        return {"value": value, "again": again}

    @app.get("/fails")
    async def fails(value: str = Depends(opened)) -> None:
        raise HTTPException(409, "refused")

    @app.get("/plain")
    async def plain() -> dict[str, bool]:
        return {"plain": True}

    return app, opened


async def test_a_route_holds_its_opened_dependency_around_its_work() -> None:
    """Opened once however many dependencies take it, entered before the endpoint and left
    after it (before the response goes out); an error leaves it through its error path; a
    route that does not take it never opens it."""
    events: list[str] = []
    app, _ = _opening_app(events)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/twice")
        assert answer.json() == {"value": "the value", "again": "the value"}
        assert events == ["open", "endpoint", "closed"]
        events.clear()
        assert (await client.get("/fails")).status_code == 409
        assert events == ["open", "failed"]
        events.clear()
        assert (await client.get("/plain")).json() == {"plain": True}
        assert events == []


async def test_an_opened_dependency_outside_an_opening_route_says_so() -> None:
    events: list[str] = []
    _, opened = _opening_app(events)
    app = FastAPI()

    @app.get("/elsewhere")
    async def elsewhere(value: str = Depends(opened)) -> str:
        return value

    transport = ASGITransport(app=app, raise_app_exceptions=True)
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        with pytest.raises(RuntimeError, match=r"not a kit\.routing\.OpeningRoute"):
            await client.get("/elsewhere")
    assert events == []
