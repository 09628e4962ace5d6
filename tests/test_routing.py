"""Routing: a domain router refuses paths outside its prefix at once, and routes still resolve."""

from __future__ import annotations

from httpx import AsyncClient
from starlette.routing import Match

from lectern.kit.routing import ApiRouter


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
    # /courses (browse), /studio/courses (studio, auth needed), a path nobody serves.
    assert (await client.get("/api/v1/courses")).status_code == 200
    assert (await client.get("/api/v1/studio/courses")).status_code == 401
    missing = await client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
