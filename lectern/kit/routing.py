"""The router every domain's routes live on: FastAPI's, with a prefix check first.

FastAPI finds a request's route by trying every route of every included router in turn (a
regular expression and some bookkeeping each): with ~200 routes that walk was a tenth of a
catalog request's time. A path outside a router's prefix cannot match any of its routes,
so :class:`ApiRouter` says so at once and a request only walks the routers it is under.
A router without a prefix (its routes start anywhere) checks the path's first segment
against those of its routes instead.

Each router asked still costs FastAPI some bookkeeping, twice a request (once to find the
route, once to serve it): :func:`branches` groups the domain routers by the first segments
of their paths, so that a request asks a few branches and then the routers of its own.

Its routes are :class:`OpeningRoute` s: a dependency made by :func:`opened_by_route` (the
request's unit of work, ``db.SessionDep``) is opened by the route around the rest of its
work, once however many dependencies take it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

# Every domain router is included under this prefix (lectern.app.api_router).
API_PREFIX = "/api/v1"

Opener = Callable[[Request], AbstractAsyncContextManager[Any]]


def opened_by_route(open_: Opener) -> Callable[[Request], Coroutine[Any, Any, Any]]:
    """A dependency whose value the route holds open around its dependencies and its
    endpoint (:class:`OpeningRoute`): ``open_(request)`` is entered before them and left
    after the endpoint returns, before the response is sent (the request's unit of work).

    A dependency with ``yield`` does the same, but FastAPI runs each in a context manager
    of its own on an exit stack of its own: a tenth of a simple request's time."""
    key = f"lectern.opened.{id(open_)}"

    async def opened(request: Request) -> Any:
        if key not in request.scope:
            raise RuntimeError(f"{request.url.path}: its route is not a kit.routing.OpeningRoute")
        return request.scope[key]

    opened.opener = (key, open_)  # type: ignore[attr-defined]
    return opened


class OpeningRoute(APIRoute):
    """A route that opens the ``opened_by_route`` dependencies it takes (directly or through
    other dependencies of its own; a router's ``dependencies=`` are not looked at, and one
    of them taking such a dependency gets the error that says so) around the rest of its
    work."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        for key, open_ in reversed(_openers(self.dependant)):
            handler = _opening(handler, key, open_)
        return handler


def _opening(
    handler: Callable[[Request], Coroutine[Any, Any, Response]], key: str, open_: Opener
) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    async def handle(request: Request) -> Response:
        async with open_(request) as value:
            request.scope[key] = value
            return await handler(request)

    return handle


def _openers(dependant: Dependant) -> list[tuple[str, Opener]]:
    """The openers of the dependencies below ``dependant``, each once, the first met first."""
    found: dict[str, Opener] = {}
    stack = list(dependant.dependencies)
    while stack:
        sub = stack.pop(0)
        opener = getattr(sub.call, "opener", None)
        if opener is not None:
            found.setdefault(*opener)
        stack[:0] = sub.dependencies
    return list(found.items())


class ApiRouter(APIRouter):
    """An APIRouter whose routes are served under API_PREFIX + its own prefix."""

    def __init__(self, *, prefix: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("route_class", OpeningRoute)
        super().__init__(prefix=prefix, **kwargs)
        # The literal start of every path of this router (a prefix may hold parameters),
        # and its prefix's segments (None for a parameter's: any value).
        self.path_start = API_PREFIX + prefix.split("{", 1)[0]
        self._prefix_segments = tuple(
            None if segment.startswith("{") else segment
            for segment in (API_PREFIX + prefix).split("/")
        )
        self._heads: frozenset[str] | None = None
        self._heads_of = -1  # how many routes _heads was computed from

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = _route_path(scope)
        if not path.startswith(self.path_start) or not self._under_prefix(path):
            return Match.NONE, {}
        heads = self.heads()
        if heads is not None and _first_segment(path[len(API_PREFIX) :]) not in heads:
            return Match.NONE, {}
        return super().matches(scope)

    def _under_prefix(self, path: str) -> bool:
        """Whether ``path`` starts with this router's prefix, a parameter's segment taking
        any value (/learn/{course}/assignments: not /learn/x/lessons). A route may go on
        from the prefix's last segment (/enrollments and .csv: /enrollments.csv)."""
        expected = self._prefix_segments
        segments = path.split("/", len(expected))
        if len(segments) < len(expected):
            return False
        last = len(expected) - 1
        for index, (want, given) in enumerate(zip(expected, segments, strict=False)):
            if want is not None and want != given and (index < last or not given.startswith(want)):
                return False
        return True

    def first_segments(self) -> frozenset[str] | None:
        """The first segments (after API_PREFIX) its paths can start with; None if any."""
        if not self.prefix:
            return self.heads()
        if self.prefix.startswith("/{"):
            return None
        return frozenset({_first_segment(self.prefix)})

    def heads(self) -> frozenset[str] | None:
        """The first segments of this router's paths, for a router without a prefix (its
        routes may start anywhere: /categories, /tags …); None when that tells nothing (a
        prefix, a path starting with a parameter, or routers included in this one)."""
        if self.prefix:
            return None
        if self._heads_of != len(self.routes):
            # An included router's paths are its own business: "/{" stands for "anything".
            paths = [route.path if isinstance(route, APIRoute) else "/{" for route in self.routes]
            open_ended = any(path.startswith("/{") for path in paths)
            self._heads = None if open_ended else frozenset(map(_first_segment, paths))
            self._heads_of = len(self.routes)
        return self._heads


def _first_segment(path: str) -> str:
    """The first segment of a path: categories of /categories/x; nothing of / or nothing."""
    return path.split("/", 2)[1] if path.startswith("/") else ""


def _route_path(scope: Scope) -> str:
    """The path the routes see: without the root path a proxy mounts the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root + "/"):
        return path[len(root) :]
    return path


class RouterTree(APIRouter):
    """A router holding other routers (every domain's, under /api/v1).

    On every request FastAPI asks each included router for its routes' version, which walks
    all the routers below it, to learn whether routes were added since it last looked: a
    hundred calls a request. The routers below are complete once the app is built, so the
    tree keeps the sum it found while its own routes stay as they are."""

    _version_seen = -1
    _version_sum = 0

    def _get_routes_version(self, seen: set[int] | None = None) -> int:
        own = self._routes_version
        if own != self._version_seen:
            self._version_sum = super()._get_routes_version(seen)
            self._version_seen = own
        return self._version_sum


class Branch(RouterTree):
    """Domain routers whose paths start with one of ``heads``: a request elsewhere passes
    it by at once."""

    def __init__(self, heads: frozenset[str]) -> None:
        super().__init__()
        self.heads = heads

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = _route_path(scope)
        if not path.startswith(API_PREFIX):
            return Match.NONE, {}
        if _first_segment(path[len(API_PREFIX) :]) not in self.heads:
            return Match.NONE, {}
        return super().matches(scope)


def branches(routers: Sequence[APIRouter]) -> list[APIRouter]:
    """The routers grouped into branches: routers that share a first segment (directly or
    through another router) go in the same branch, in the order given, so a path finds the
    same route as it would walking them all; branches come in the order of their first
    router. Routers that may start anywhere leave the list as it is."""
    segments = [
        router.first_segments() if isinstance(router, ApiRouter) else None for router in routers
    ]
    if any(found is None for found in segments):
        return list(routers)
    # Union the segments of each router: a branch is a set of segments no other router shares.
    group_of: dict[str, int] = {}
    members: dict[int, set[str]] = {}
    for index, found in enumerate(segments):
        assert found is not None
        joined = {group_of[segment] for segment in found if segment in group_of}
        group = min(joined, default=index)
        merged = set(found)
        for other in joined:
            merged |= members.pop(other)
        members[group] = merged
        for segment in merged:
            group_of[segment] = group
    grouped: dict[int, Branch] = {}
    for router, found in zip(routers, segments, strict=True):
        assert found is not None
        group = group_of[next(iter(found))]
        branch = grouped.get(group)
        if branch is None:
            branch = grouped[group] = Branch(frozenset(members[group]))
        branch.include_router(router)
    return list(grouped.values())
