"""The floor's endpoints served by Lectern's own app: what the framework costs on its own.

The same code as ``bench.floor`` (its statements on a raw asyncpg pool, its JSON), each
endpoint a route of the app ``lectern.app.create_app`` makes, ahead of Lectern's own: the
requests go through Lectern's middleware, its route index, FastAPI's request handling and
response, and nothing else of Lectern's (no unit of work, no dependencies, no ORM). Its
req/s over the floor's is the most a Lectern endpoint on this framework could reach; what
separates Lectern from it is Lectern's own work around the same statements.

Serve with ``uvicorn --factory bench.floor.framed:app`` (``bench.endpoints --framed``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from bench.floor import Floor, Problem
from lectern.app import create_app

# The paths bench.floor answers (its own router tells them apart), with their methods.
PATHS = (
    ("/api/v1/courses", "GET"),
    ("/api/v1/courses/{slug}", "GET"),
    ("/api/v1/enrollments", "GET"),
    ("/api/v1/learn/{course}/lessons/{lesson}", "GET"),
    ("/api/v1/learn/{course}/lessons/{lesson}/heartbeat", "POST"),
    ("/api/v1/cart", "GET"),
)


def app() -> FastAPI:
    floor = Floor()
    lectern = create_app()
    started = lectern.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        await floor.open()
        try:
            async with started(app_):
                yield
        finally:
            await floor.close()

    async def answer(request: Request) -> Response:
        try:
            status, payload = await floor.route(request.scope, await request.body())
        except Problem as problem:
            return Response(status_code=problem.status)
        return Response(payload, status_code=status, media_type="application/json")

    lectern.router.lifespan_context = lifespan
    for path, method in PATHS:
        lectern.router.add_api_route(path, answer, methods=[method], include_in_schema=False)
    # Ahead of Lectern's routes, in the order above (the app asks its routes in turn).
    routes = lectern.router.routes
    routes[:] = routes[-len(PATHS) :] + routes[: -len(PATHS)]
    return lectern
