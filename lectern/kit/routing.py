"""The router every domain's routes live on: FastAPI's, with a prefix check first.

FastAPI finds a request's route by trying every route of every included router in turn (a
regular expression and some bookkeeping each): with ~200 routes that walk was a tenth of a
catalog request's time. A path outside a router's prefix cannot match any of its routes,
so :class:`ApiRouter` says so at once and a request only walks the routers it is under.
A router without a prefix (its routes start anywhere) checks the path's first segment
against those of its routes instead. Past those checks, a router asks one expression made of
its routes' paths before FastAPI asks each of its routes in turn.

Each router asked still costs FastAPI some bookkeeping, twice a request (once to find the
route, once to serve it), and more for each level of routers included in others: the domain
routers are included in the app itself, and :class:`RouteIndex` asks only those a path's
first segment under API_PREFIX can reach. It serves the route it finds in an ApiRouter
itself, matched once; a plain route (below) without FastAPI's request wrapper.

Its routes are :class:`OpeningRoute` s: a dependency made by :func:`opened_by_route` (the
request's unit of work, ``db.SessionDep``) is opened by the route around the rest of its
work, once however many dependencies take it. A dependency that takes its value itself
(calling it with the request) says so with the same ``opener`` attribute: the signed-in
user's does. A plain route's handler is :func:`kit.handler.plain_handler`: FastAPI's, its
dependencies and parameters worked out once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import (
    _FASTAPI_EFFECTIVE_ROUTE_CONTEXT_KEY,
    _FASTAPI_INCLUDED_ROUTER_KEY,
    APIRoute,
    _apply_router_form_limits,
    _effective_route_context_var,
    _EffectiveRouteContext,
    _get_fastapi_scope,
    _IncludedRouter,
    iter_route_contexts,
)
from fastapi.telemetry._api import _route_selected
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Receive, Scope, Send

from lectern.kit.handler import Handler, fastapi_serves, plain_handler

# Every domain router is included in the app under this prefix (lectern.app.create_app).
API_PREFIX = "/api/v1"

Opener = Callable[[Request], AbstractAsyncContextManager[Any]]

# The attribute of FastAPI's context of an included route that holds its plain handler
# (kit.handler) with its openers, for RouteIndex to call itself.
_PLAIN_HANDLER = "lectern_plain_handler"


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
        # Planned from what FastAPI built its own from: the route as included, when it is.
        included = _effective_route_context_var.get()
        route = included if included is not None and included.original_route is self else self
        plain = plain_handler(route, handler)
        handler = plain or handler
        for key, open_ in reversed(_openers(self.dependant)):
            handler = _opening(handler, key, open_)
        if plain is not None and route is included:
            setattr(included, _PLAIN_HANDLER, handler)  # for RouteIndex to call itself
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
        self._paths: re.Pattern[str] | None = None
        self._paths_of = -1  # how many routes _paths was computed from
        self._only_api_routes = False
        self._only_api_routes_of = -1

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not self.may_match(_route_path(scope)):
            return Match.NONE, {}
        return super().matches(scope)

    def may_match(self, path: str) -> bool:
        """Whether one of this router's routes may match ``path`` (the route path)."""
        if not path.startswith(self.path_start) or not self._under_prefix(path):
            return False
        heads = self.heads()
        if heads is not None and _first_segment(path[len(API_PREFIX) :]) not in heads:
            return False
        return self._reaches(path)

    def only_api_routes(self) -> bool:
        """Whether every route of this router is an APIRoute of its own (none included from
        another router, no mount)."""
        if self._only_api_routes_of != len(self.routes):
            self._only_api_routes = all(isinstance(route, APIRoute) for route in self.routes)
            self._only_api_routes_of = len(self.routes)
        return self._only_api_routes

    def _reaches(self, path: str) -> bool:
        """Whether the path of one of this router's routes matches ``path`` (in any method):
        one regular expression for all of them, where FastAPI would ask each route in turn
        with its bookkeeping around each (a path it then matches is FastAPI's to match)."""
        if self._paths_of != len(self.routes):
            self._paths = _paths_pattern(self.routes)
            self._paths_of = len(self.routes)
        return self._paths is None or self._paths.match(path) is not None

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

    def heads(self) -> frozenset[str] | None:
        """The first segments (under API_PREFIX) of this router's paths; None when one may
        start with anything (a parameter there, or routers included in this one)."""
        if self._heads_of != len(self.routes):
            # An included router's paths are its own business: "/{" stands for "anything".
            paths = [route.path if isinstance(route, APIRoute) else "/{" for route in self.routes]
            heads = frozenset(map(_first_segment, paths))
            self._heads = None if any("{" in head or not head for head in heads) else heads
            self._heads_of = len(self.routes)
        return self._heads


def _paths_pattern(routes: list[BaseRoute]) -> re.Pattern[str] | None:
    """One expression matching what the routes' own do, served under API_PREFIX (their
    parameters' names left out: they repeat); None when a route is not an APIRoute."""
    patterns = []
    for route in routes:
        if not isinstance(route, APIRoute):
            return None
        pattern = route.path_regex.pattern.removeprefix("^").removesuffix("$")
        patterns.append(_PARAMETER.sub("(?:", pattern))
    return re.compile(f"^{re.escape(API_PREFIX)}(?:{'|'.join(patterns)})$")


_PARAMETER = re.compile(r"\(\?P<\w+>")


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


class RouteIndex:
    """The app router's dispatch, asking only the routes a request's path can reach.

    FastAPI asks the app's routes in turn whether they match a request, and an included
    router asks all of its own (twice: to find the route, then to serve it). A path under
    API_PREFIX can only match routes whose paths start, under API_PREFIX, with its first
    segment or with a parameter: the index keeps those, per first segment, in the app's
    order, and the first of them that matches in full is the route the walk would find.
    Anything else (a path elsewhere, a 404, a 405, a redirect to the path with or without
    its trailing slash) goes to the router's own walk, which answers as it always does.

    Installed with :func:`index_routes`, which builds it; it is built again whenever the
    number of the app's routes has changed."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self.walk = router.middleware_stack
        self._built_from = -1
        self._by_head: dict[str, tuple[BaseRoute, ...]] = {}
        self._anywhere: tuple[BaseRoute, ...] = ()
        self._build()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = _route_path(scope)
            if path.startswith(API_PREFIX + "/"):
                for route in self.candidates(_first_segment(path[len(API_PREFIX) :])):
                    router = _served_by_index(route)
                    if router is not None:
                        assert isinstance(route, _IncludedRouter)
                        if await self._serve(route, router, path, scope, receive, send):
                            return
                        continue
                    match, child_scope = route.matches(scope)
                    if match is Match.FULL:
                        scope.setdefault("router", self.router)
                        scope.update(child_scope)
                        await route.handle(scope, receive, send)
                        return
        await self.walk(scope, receive, send)

    async def _serve(
        self,
        included: _IncludedRouter,
        router: ApiRouter,
        path: str,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> bool:
        """Serve the request with the first route of ``router`` (as ``included`` in the app)
        that matches it in full, as FastAPI's included router would; False when none does.

        FastAPI matches a request's route twice through every level of routers (to find
        it, then to serve it) and serves it through a request wrapper that holds two exit
        stacks for its dependencies' cleanups and catches errors for the app's handlers. A
        route with a plain handler (kit.handler) has no cleanups and its errors reach the
        same handlers from the app's exception middleware: it is called here with the
        request, matched once."""
        if not router.may_match(path):
            return False
        for context in included.effective_candidates():
            match, child_scope = context.matches(scope)
            if match is Match.FULL:
                break
        else:
            return False
        assert isinstance(context, _EffectiveRouteContext)
        # The scope as FastAPI's included router leaves it when it selects a route.
        scope.setdefault("router", self.router)
        scope.update(child_scope)
        scope["route"] = context.original_route
        _apply_router_form_limits(scope, included.include_context.form_limits)
        selected = _get_fastapi_scope(scope)
        selected[_FASTAPI_INCLUDED_ROUTER_KEY] = included
        selected[_FASTAPI_EFFECTIVE_ROUTE_CONTEXT_KEY] = context
        _route_selected(scope=scope, path=context.path_format)
        handler: Handler | None = getattr(context, _PLAIN_HANDLER, None)
        if (
            handler is None
            or context.max_body_size is not None
            or fastapi_serves(context.dependency_overrides_provider)
        ):
            assert context.app is not None
            await context.app(scope, receive, send)
        else:
            response = await handler(Request(scope, receive, send))
            await response(scope, receive, send)
        return True

    def candidates(self, head: str) -> tuple[BaseRoute, ...]:
        """The app's routes, in its order, that a path under API_PREFIX starting with
        ``head`` can match."""
        if self._built_from != len(self.router.routes):
            self._build()
        return self._by_head.get(head, self._anywhere)

    def _build(self) -> None:
        routes = list(self.router.routes)
        reach = [_api_heads(route) for route in routes]
        heads = set().union(*(found for found in reach if found is not None))
        self._by_head = {
            head: tuple(
                route
                for route, found in zip(routes, reach, strict=True)
                if found is None or head in found
            )
            for head in heads
        }
        self._anywhere = tuple(
            route for route, found in zip(routes, reach, strict=True) if found is None
        )
        self._built_from = len(routes)


def _served_by_index(route: BaseRoute) -> ApiRouter | None:
    """The router whose routes RouteIndex serves itself, if ``route`` includes one: an
    ApiRouter with only APIRoutes of its own."""
    if isinstance(route, _IncludedRouter):
        router = route.original_router
        if isinstance(router, ApiRouter) and router.only_api_routes():
            return router
    return None


def index_routes(router: APIRouter) -> RouteIndex:
    """Put a :class:`RouteIndex` in front of ``router``'s walk (the app's: ``app.router``)."""
    index = RouteIndex(router)
    router.middleware_stack = index
    return index


def _api_heads(route: BaseRoute) -> frozenset[str] | None:
    """The first segments under API_PREFIX of the paths ``route`` can match (those of every
    route it includes): none for a route elsewhere, None when it may match any."""
    included = getattr(route, "original_router", None)
    if isinstance(included, ApiRouter):
        # Read from its own routes: FastAPI would build every route's handler for the
        # inclusion's view of them (a second for all of Lectern's, where this takes 14 ms).
        return included.heads()
    heads: set[str] = set()
    for context in iter_route_contexts([route]):
        path = context.path
        if path is None:  # a route matched by something else than its path
            return None
        if path.startswith(API_PREFIX + "/"):
            head = path[len(API_PREFIX) + 1 :].split("/", 1)[0]
            if "{" in head or not head:
                return None
            heads.add(head)
        elif isinstance(context.original_route, Mount):
            if (API_PREFIX + "/").startswith(path + "/"):  # mounted above API_PREFIX
                return None
        elif "{" in path and (API_PREFIX + "/").startswith(path.split("{", 1)[0]):
            return None  # a parameter where API_PREFIX would be
    return frozenset(heads)
