"""The handler of plain routes (kit.handler) answers every request as FastAPI's own does:
the same values, the same errors in the same order, the same responses; routes it cannot
plan keep FastAPI's handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated, Any

import pytest
from fastapi import (
    APIRouter,
    BackgroundTasks,
    Body,
    Cookie,
    Depends,
    FastAPI,
    Header,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
)
from fastapi.routing import APIRoute, iter_route_contexts
from httpx import ASGITransport, AsyncClient
from pydantic import AliasChoices, BaseModel, Field

from lectern.kit.handler import plain_handler
from lectern.kit.routing import API_PREFIX, ApiRouter, index_routes

calls: list[str] = []


class Item(BaseModel):
    name: str = Field(min_length=2)
    price: int = Field(ge=0)


LANGUAGE = AliasChoices("lang", "language")


class Filters(BaseModel):
    limit: int = Field(10, le=50)
    kind: str | None = None


class ItemOut(BaseModel):
    name: str


class Order(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


async def tracked(request: Request) -> str:
    calls.append("tracked")
    return request.url.path


def counted(q: Annotated[int | None, Query(le=100)] = None) -> int:
    """A sync dependency with a parameter of its own (FastAPI runs it in a thread)."""
    return (q or 0) + 1


async def layered(
    first: Annotated[str, Depends(tracked)],
    again: Annotated[str, Depends(tracked)],
    count: Annotated[int, Depends(counted)],
) -> str:
    return f"{first}|{again}|{count}"


async def refusing(x_key: Annotated[str | None, Header()] = None) -> None:
    if x_key == "no":
        raise HTTPException(403, "refused")


def _routes(router: APIRouter) -> None:
    @router.get("/items/{item_id}")
    async def read_item(
        item_id: Annotated[int, Path(ge=1)],
        q: Annotated[str | None, Query(max_length=5)] = None,
        tags: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies it
        x_token: Annotated[str | None, Header(min_length=3)] = None,
    ) -> dict[str, Any]:
        return {"item_id": item_id, "q": q, "tags": tags, "x_token": x_token}

    @router.post("/items", status_code=201, response_model=ItemOut)
    async def create_item(item: Item, layers: Annotated[str, Depends(layered)]) -> Any:
        return {"name": item.name, "secret": layers}

    @router.put("/items/{item_id}/pair")
    async def pair(item_id: int, item: Item, note: Annotated[str, Body(max_length=4)]) -> Any:
        return {"item_id": item_id, "item": item, "note": note}

    @router.get("/layers", dependencies=[Depends(refusing)])
    async def layers(value: Annotated[str, Depends(layered)]) -> str:
        calls.append("endpoint")
        return value

    @router.get("/sync")
    def sync_endpoint(count: Annotated[int, Depends(counted)]) -> dict[str, int]:
        return {"count": count}

    @router.delete("/items/{item_id}", status_code=204)
    async def delete_item(item_id: int) -> None:
        return None

    @router.get("/search")
    async def search(
        term: Annotated[str, Query(min_length=2)],
        sort: Annotated[str | None, Query(alias="sort-by")] = None,
        lang: Annotated[
            str | None, Query(validation_alias=AliasChoices("lang", "language"))
        ] = None,
        x_tag: Annotated[list[str] | None, Header()] = None,
        session_id: Annotated[str | None, Cookie(max_length=4)] = None,
    ) -> dict[str, Any]:
        return {"term": term, "sort": sort, "lang": lang, "tags": x_tag, "session": session_id}

    @router.get("/filtered")
    async def filtered(filters: Annotated[Filters, Query()]) -> Filters:
        return filters

    @router.get("/defaults")
    async def defaults(
        order: Order = Order.NEWEST,
        page: Annotated[int, Query(ge=1)] = 1,
        label: str = "all",
        ratio: float = 0.5,
        checked: Annotated[int, Query(validate_default=True)] = "3",  # type: ignore[assignment]
        seen: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies it
    ) -> dict[str, Any]:
        seen.append("x")  # a default left out is the request's own
        kinds = [type(value).__name__ for value in (order, page, label, ratio, checked)]
        return {
            "values": [order, page, label, ratio, checked],
            "kinds": kinds,
            "seen": seen,
        }

    @router.get("/raw")
    async def raw() -> Response:
        return Response(b"raw", media_type="text/plain", headers={"X-Raw": "1"})


def _app(router: APIRouter, prefix: str = "") -> FastAPI:
    _routes(router)
    app = FastAPI()
    app.include_router(router, prefix=prefix)
    return app


async def _fastapis(request: Request) -> Response:
    return Response(b"fastapi's")


@pytest.fixture
async def both() -> AsyncIterator[tuple[AsyncClient, AsyncClient]]:
    fastapis = _app(APIRouter(prefix=API_PREFIX + "/t"))
    router = ApiRouter(prefix="/t")
    planned = _app(router, prefix=API_PREFIX)
    # As Lectern's app serves them: the route index calls a planned route's handler itself.
    index_routes(planned.router)
    # Every one of them is planned: the comparison is of the two handlers.
    for route in router.routes:
        assert isinstance(route, APIRoute)
        assert plain_handler(route, _fastapis) is not None, route.path
    async with (
        AsyncClient(transport=ASGITransport(app=fastapis), base_url="http://t") as theirs,
        AsyncClient(transport=ASGITransport(app=planned), base_url="http://t") as ours,
    ):
        yield theirs, ours


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/items/5", {}),
    ("GET", "/items/5?q=abc&tags=a&tags=b", {"headers": {"X-Token": "tok"}}),
    ("GET", "/items/0", {}),
    ("GET", "/items/abc?q=toolong", {"headers": {"X-Token": "t"}}),
    ("POST", "/items", {"json": {"name": "pen", "price": 3}}),
    ("POST", "/items?q=7", {"json": {"name": "pen", "price": 3}}),
    ("POST", "/items?q=700", {"json": {"name": "p", "price": -1}}),
    ("POST", "/items", {"content": b"{", "headers": {"Content-Type": "application/json"}}),
    ("POST", "/items", {"content": b'{"name": "pen", "price": 3}'}),
    ("POST", "/items", {"content": b'{"name": "pen"}', "headers": {"Content-Type": "text/plain"}}),
    (
        "POST",
        "/items",
        {
            "content": b'{"name": "pen", "price": 3}',
            "headers": {"Content-Type": "application/merge-patch+json; charset=utf-8"},
        },
    ),
    ("POST", "/items", {}),
    ("POST", "/items", {"json": [1, 2]}),
    ("PUT", "/items/3/pair", {"json": {"item": {"name": "pen", "price": 1}, "note": "hi"}}),
    ("PUT", "/items/x/pair", {"json": {"item": {"name": "p"}, "note": "toolong"}}),
    ("PUT", "/items/3/pair", {"json": {"name": "pen", "price": 1}}),
    ("GET", "/layers?q=2", {}),
    ("GET", "/layers?q=x", {"headers": {"X-Key": "no"}}),
    ("GET", "/layers", {"headers": {"X-Key": "no"}}),
    ("GET", "/sync?q=4", {}),
    ("GET", "/sync?q=1000", {}),
    ("DELETE", "/items/4", {}),
    ("GET", "/search?term=ab&sort-by=new&language=fr", {"headers": {"X-Tag": "a, b"}}),
    (
        "GET",
        "/search?term=ab&lang=en&language=fr&sort=ignored",
        {"headers": {"Cookie": "session_id=s1"}},
    ),
    ("GET", "/search?term=a", {"headers": {"Cookie": "session_id=toolong"}}),
    ("GET", "/search", {}),
    ("GET", "/filtered?limit=5&kind=x", {}),
    ("GET", "/filtered?limit=500", {}),
    ("GET", "/defaults", {}),
    ("GET", "/defaults?order=oldest&page=2&label=x&ratio=1&checked=4&seen=a", {}),
    ("GET", "/defaults?order=other&page=0", {}),
    ("GET", "/raw", {}),
]


@pytest.mark.parametrize(("method", "path", "sent"), REQUESTS)
async def test_a_planned_route_answers_as_fastapis_handler_does(
    both: tuple[AsyncClient, AsyncClient], method: str, path: str, sent: dict[str, Any]
) -> None:
    theirs, ours = both
    calls.clear()
    expected = await theirs.request(method, API_PREFIX + "/t" + path, **sent)
    expected_calls = list(calls)
    calls.clear()
    answer = await ours.request(method, API_PREFIX + "/t" + path, **sent)
    assert (answer.status_code, answer.content) == (expected.status_code, expected.content)
    for header in ("content-type", "content-length", "x-raw"):
        assert answer.headers.get(header) == expected.headers.get(header)
    # The dependencies ran as often, in the same order (a cached one once a request).
    assert calls == expected_calls


async def test_a_default_left_out_is_given_as_fastapi_gives_it(
    both: tuple[AsyncClient, AsyncClient],
) -> None:
    """The defaults a request leaves out: an immutable one as it is (an enumeration's
    member, a number, a string), a validated one validated, a mutable one a copy of its own
    each request (the endpoint's change to it is not seen by the next)."""
    theirs, ours = both
    for _ in range(2):
        expected = (await theirs.get(API_PREFIX + "/t/defaults")).json()
        answer = (await ours.get(API_PREFIX + "/t/defaults")).json()
        assert answer == expected
        assert answer == {
            "values": ["newest", 1, "all", 0.5, 3],
            "kinds": ["Order", "int", "str", "float", "int"],
            "seen": ["x"],
        }


def _route(router: APIRouter, path: str) -> APIRoute:
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.path.endswith(path))


async def generator() -> AsyncIterator[int]:
    yield 1


def test_routes_it_cannot_plan_keep_fastapis_handler() -> None:
    router = APIRouter()

    @router.get("/generator")
    async def with_generator(value: Annotated[int, Depends(generator)]) -> int:
        return value

    @router.get("/response")
    async def with_response(response: Response) -> None:
        response.headers["X-A"] = "1"

    @router.get("/background")
    async def with_background(tasks: BackgroundTasks) -> None: ...

    @router.get("/plain/{value}")
    async def plain(value: int) -> int:
        return value

    for path in ("/generator", "/response", "/background"):
        assert plain_handler(_route(router, path), _fastapis) is None
    assert plain_handler(_route(router, "/plain/{value}"), _fastapis) is not None


async def test_dependency_overrides_are_fastapis_to_apply() -> None:
    router = ApiRouter(prefix="/t")

    @router.get("/layers")
    async def layers(value: Annotated[str, Depends(layered)]) -> str:
        return value

    app = FastAPI()
    app.include_router(router, prefix=API_PREFIX)
    index_routes(app.router)
    app.dependency_overrides[layered] = lambda: "overridden"
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get(API_PREFIX + "/t/layers")).json() == "overridden"
        app.dependency_overrides.clear()
        assert (
            await client.get(API_PREFIX + "/t/layers?q=1")
        ).json() == "/api/v1/t/layers|/api/v1/t/layers|2"


def test_the_hot_routes_are_planned(app: FastAPI) -> None:
    hot = {
        ("GET", "/api/v1/courses"),
        ("GET", "/api/v1/courses/{slug}"),
        ("GET", "/api/v1/enrollments"),
        ("GET", "/api/v1/learn/{course_uuid}/lessons/{lesson_uuid}"),
        ("POST", "/api/v1/learn/{course_uuid}/lessons/{lesson_uuid}/heartbeat"),
        ("GET", "/api/v1/cart"),
    }
    found = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        for method in context.methods or ():
            if (method, context.path) in hot and isinstance(route, APIRoute):
                assert plain_handler(route, _fastapis) is not None, context.path
                found.add((method, context.path))
    assert found == hot
