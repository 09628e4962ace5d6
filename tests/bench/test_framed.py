"""The floor in Lectern's app (bench/floor/framed.py): the floor's routes come first, so a
request of a floored endpoint runs the floor's code, behind Lectern's middleware."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Match

from bench.floor.framed import PATHS, app
from lectern.kit.routing import RouteIndex


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/courses"),
        ("GET", "/api/v1/courses/some-course"),
        ("GET", "/api/v1/enrollments"),
        ("GET", "/api/v1/learn/c/lessons/l"),
        ("POST", "/api/v1/learn/c/lessons/l/heartbeat"),
        ("GET", "/api/v1/cart"),
    ],
)
def test_a_floored_request_reaches_the_floors_route(method: str, path: str) -> None:
    framed = app()
    index = framed.router.middleware_stack
    assert isinstance(index, RouteIndex)  # Lectern's own dispatch, as in its app
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    head = path.removeprefix("/api/v1/").split("/", 1)[0]
    found = next(route for route in index.candidates(head) if route.matches(scope)[0] is Match.FULL)
    assert isinstance(found, APIRoute)
    assert (found.path, method) in PATHS
    assert found.endpoint.__qualname__.startswith("app.<locals>.answer")
