"""How many SQL statements one request of each benchmark endpoint runs, on Lectern and on
the floor.

Runs in a process of its own with the servers' environment (``bench.harness.server_env``),
so that the app reads the settings the servers read: ``python -m bench.statements`` reads
``{endpoint: {"method", "path", "headers", "bodies"}}`` as JSON on stdin, sends each
endpoint's request once per body through the app in process (the first warms what is read
once, such as the settings) and prints, as JSON, the data statements (SELECT, INSERT,
UPDATE, DELETE) of the last one: ``{"lectern": {endpoint: n}, "floor": {endpoint: n}}``.
Lectern's are counted by the engine's statement listeners, the floor's by its connections.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from bench import floor
from lectern import db
from lectern.app import create_app

DATA = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


def is_data(statement: str) -> bool:
    return statement.lstrip().upper().startswith(DATA)


class Counted:
    """The statements counted since the last ``reset``."""

    statements = 0

    @classmethod
    def reset(cls) -> None:
        cls.statements = 0


class CountingConnection(asyncpg.Connection):  # type: ignore[misc]
    """An asyncpg connection that counts the data statements it runs (fetch, fetchrow,
    fetchval and execute with arguments go through ``_execute``)."""

    async def _execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if is_data(query):
            Counted.statements += 1
        return await super()._execute(query, *args, **kwargs)

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if not args and is_data(query):
            Counted.statements += 1
        return await super().execute(query, *args, **kwargs)


Send = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def _count(client: httpx.AsyncClient, request: dict[str, Any]) -> int:
    bodies = request.get("bodies") or [None]
    for body in bodies:
        Counted.reset()
        response = await client.request(
            request["method"], request["path"], headers=request["headers"], content=body
        )
        if response.status_code >= 400:
            raise RuntimeError(f"{request['path']}: {response.status_code} {response.text}")
    return Counted.statements


async def count(requests: dict[str, dict[str, Any]], floored: list[str]) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = {"lectern": {}, "floor": {}}
    engine = db.create_engine(pool_size=1, max_overflow=0)

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if is_data(statement):
            Counted.statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", listen)
    app = create_app(engine=engine)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for endpoint, request in requests.items():
                    counts["lectern"][endpoint] = await _count(client, request)
    finally:
        await engine.dispose()
    raw = floor.Floor()
    await raw.open(connection_class=CountingConnection, size=1)
    try:
        transport = httpx.ASGITransport(app=raw)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for endpoint in floored:
                counts["floor"][endpoint] = await _count(client, requests[endpoint])
    finally:
        await raw.close()
    return counts


def main() -> None:
    asked = json.load(sys.stdin)
    print(json.dumps(asyncio.run(count(asked["requests"], asked["floored"]))))


if __name__ == "__main__":
    main()
