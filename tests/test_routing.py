"""Routing: a domain router refuses paths outside its prefix at once, and routes still resolve;
a route holds its unit of work (an ``opened_by_route`` dependency) around its work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.routing import _IncludedRouter, iter_route_contexts
from httpx import ASGITransport, AsyncClient
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from lectern.kit.routing import (
    API_PREFIX,
    ApiRouter,
    OpeningRoute,
    RouteIndex,
    index_routes,
    opened_by_route,
)


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


def _indexed_app() -> tuple[FastAPI, RouteIndex, dict[str, ApiRouter]]:
    """An app whose routers are included as Lectern's are, with its routes indexed."""
    learn = ApiRouter(prefix="/learn/{course}")
    catalog = ApiRouter(prefix="/courses")
    mixed = ApiRouter()  # /courses/… and /studio/…
    anywhere = ApiRouter()  # a path starting with a parameter: may match any first segment
    pages = APIRouter()  # outside API_PREFIX

    @learn.get("/lessons/{lesson}")
    async def lesson(course: str, lesson: str) -> str:
        return f"lesson {course} {lesson}"

    @catalog.get("")
    async def courses() -> str:
        return "courses"

    @catalog.get("/{slug}")
    async def course(slug: str) -> str:
        return f"course {slug}"

    @mixed.get("/courses/{slug}/reviews")
    async def reviews(slug: str) -> str:
        return f"reviews {slug}"

    @mixed.post("/studio/reviews")
    async def studio_reviews() -> str:
        return "studio reviews"

    @anywhere.get("/{slug}/about")
    async def about(slug: str) -> str:
        return f"about {slug}"

    @pages.get("/")
    async def home() -> str:
        return "home"

    app = FastAPI()
    routers = {"learn": learn, "catalog": catalog, "mixed": mixed, "anywhere": anywhere}
    for router in routers.values():
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(pages)
    return app, index_routes(app.router), routers


def test_the_route_index_keeps_the_routers_a_first_segment_can_reach_in_order() -> None:
    app, index, routers = _indexed_app()
    included = [getattr(route, "original_router", None) for route in app.router.routes]

    def reached(head: str) -> list[object]:
        return [included[app.router.routes.index(route)] for route in index.candidates(head)]

    learn, catalog, mixed, anywhere = routers.values()
    assert reached("courses") == [catalog, mixed, anywhere]
    assert reached("studio") == [mixed, anywhere]
    assert reached("learn") == [learn, anywhere]
    assert reached("nowhere") == [anywhere]  # only what may match any first segment


async def test_indexed_routes_answer_as_the_walk_does() -> None:
    app, index, _ = _indexed_app()
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/api/v1/courses")).json() == "courses"
        assert (await client.get("/api/v1/courses/python")).json() == "course python"
        assert (await client.get("/api/v1/courses/python/reviews")).json() == "reviews python"
        assert (await client.get("/api/v1/learn/c1/lessons/l1")).json() == "lesson c1 l1"
        assert (await client.get("/api/v1/python/about")).json() == "about python"
        assert (await client.get("/")).json() == "home"
        # What no route matches in full: the walk's answers.
        assert (await client.get("/api/v1/studio/reviews")).status_code == 405
        assert (await client.get("/api/v1/studio/nothing")).status_code == 404
        moved = await client.get("/api/v1/courses/python/reviews/")
        assert moved.status_code == 307
        assert moved.headers["location"].endswith("/api/v1/courses/python/reviews")

        # A route added after the index was built is indexed too.
        @app.get("/api/v1/tags")
        async def tags() -> str:
            return "tags"

        assert (await client.get("/api/v1/tags")).json() == "tags"
    added = [getattr(route, "path", None) for route in index.candidates("tags")]
    assert added == [None, "/api/v1/tags"]  # the router of /{slug}/about, then the new route


def test_the_apps_routes_are_indexed_by_their_first_segment(app: FastAPI) -> None:
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    # No route of Lectern's may match any first segment: a request asks its own routers.
    assert index.candidates("no-such-segment") == ()
    for route in index.candidates("courses"):
        paths = [context.path or "" for context in iter_route_contexts([route])]
        assert any(path.startswith("/api/v1/courses") for path in paths), paths
    assert len(index.candidates("courses")) < len(app.router.routes) / 5


def test_a_prefix_with_a_parameter_refuses_other_paths_under_its_start() -> None:
    router = ApiRouter(prefix="/learn/{course_uuid}/assignments")
    assert router._under_prefix("/api/v1/learn/c1/assignments/a1")
    assert router._under_prefix("/api/v1/learn/c1/assignments")
    assert router._under_prefix("/api/v1/learn/c1/assignments.csv")
    assert not router._under_prefix("/api/v1/learn/c1/lessons/l1/heartbeat")
    assert not router._under_prefix("/api/v1/learn/c1")


async def test_a_router_none_of_whose_paths_match_says_so_at_once() -> None:
    """One expression of all its routes' paths: a path none matches is not the router's
    (without asking each route); a path one matches in another method is still a 405."""
    router = ApiRouter(prefix="/learn")

    @router.get("/{course}/lessons/{lesson}")
    async def lesson(course: str, lesson: str) -> str:
        return f"{course}/{lesson}"

    @router.post("/{course}/lessons/{lesson_id:int}/heartbeat")
    async def heartbeat(course: str, lesson_id: int) -> int:
        return lesson_id

    assert router._reaches("/api/v1/learn/c1/lessons/l1")
    assert router._reaches("/api/v1/learn/c1/lessons/12/heartbeat")
    assert not router._reaches("/api/v1/learn/c1/lessons/l1/heartbeat")  # not an int
    assert not router._reaches("/api/v1/learn/c1/lessons/l1/")
    assert not router._reaches("/api/v1/learn/c1")
    assert router.matches(_scope("/api/v1/learn/c1/lessons/l1/x")) == (Match.NONE, {})
    app = FastAPI()
    app.include_router(router, prefix=API_PREFIX)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/api/v1/learn/c1/lessons/l1")).json() == "c1/l1"
        assert (await client.post("/api/v1/learn/c1/lessons/12/heartbeat")).json() == 12
        assert (await client.get("/api/v1/learn/c1/lessons/12/heartbeat")).status_code == 405
        assert (await client.post("/api/v1/learn/c1/lessons/l1/heartbeat")).status_code == 404

    @router.get("/{course}/notes")
    async def notes(course: str) -> str:
        return course

    # A route added later is in the expression too.
    assert router._reaches("/api/v1/learn/c1/notes")


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


async def test_the_index_serves_a_plain_route_itself() -> None:
    """Matched once and its planned handler called with the request (FastAPI's wrapping of
    the route is not asked); a route FastAPI must serve, or any while dependency overrides
    are set, goes through FastAPI's own."""
    router = ApiRouter(prefix="/t")

    @router.get("/plain/{value}")
    async def plain(value: int) -> dict[str, object]:
        return {"value": value}

    @router.get("/with-response")
    async def with_response(response: Response) -> str:
        response.headers["X-Set"] = "1"
        return "set"

    # FastAPI's telemetry off, as Lectern's app has it unless asked (on, FastAPI serves).
    app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False})
    app.include_router(router, prefix=API_PREFIX)
    index_routes(app.router)
    wrapped: list[str] = []  # the routes FastAPI's wrapping served
    included = app.router.routes[-1]
    assert isinstance(included, _IncludedRouter)
    for context in included.effective_route_contexts():
        assert context.app is not None
        context.app = _counting(context.app, context.path, wrapped)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/api/v1/t/plain/7")
        assert answer.json() == {"value": 7}
        assert (await client.get("/api/v1/t/plain/x")).status_code == 422
        assert wrapped == []
        answer = await client.get("/api/v1/t/with-response")
        assert (answer.json(), answer.headers["x-set"]) == ("set", "1")
        assert wrapped == ["/api/v1/t/with-response"]
        app.dependency_overrides[_unused] = lambda: None
        assert (await client.get("/api/v1/t/plain/8")).json() == {"value": 8}
        assert wrapped == ["/api/v1/t/with-response", "/api/v1/t/plain/{value}"]


def _unused() -> None: ...


def _counting(app: ASGIApp, path: str, served: list[str]) -> ASGIApp:
    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        served.append(path)
        await app(scope, receive, send)

    return counted
