"""How many Python function calls a request of each benchmark endpoint makes, on Lectern
and on the floor, and in which packages.

A server's CPU time on a shared VM swings by a fifth from one run to the next; the count of
the calls a request makes does not, so it shows a small change that a load run cannot.
``python -m bench.calls`` makes a throwaway database, seeds it as ``bench.endpoints`` does,
and in a process with the servers' environment (``bench.harness.server_env``) sends each
endpoint's requests straight to the ASGI app (no HTTP server, no client library): a
warm-up, then ``--requests`` requests under ``cProfile``. It prints per endpoint the calls
a request makes on Lectern and on the floor, and with ``--packages K`` where Lectern's go
(the K packages with the most).

    python -m bench.calls --server postgresql://postgres@127.0.0.1:5432 \\
        [--only catalog,heartbeat] [--requests 200] [--packages 8]

What is counted is every Python function call made while a request is in the app, on
uvloop as the servers run (its own work is native code). A
request's first verification of a token is left out (its signature check is cached
afterwards, on both sides): each request is sent once before it is counted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import sysconfig
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.endpoints import FLOORED, requests
from bench.harness import database, in_server_env, markdown
from bench.seeding import Size, seed

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
STDLIB = sysconfig.get_paths()["stdlib"]


def scope_of(method: str, target: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The ASGI scope of an HTTP/1.1 request, as uvicorn makes it."""
    path, _, query = target.partition("?")
    raw = [(b"host", b"bench")] + [
        (name.lower().encode(), value.encode()) for name, value in headers.items()
    ]
    if body:
        raw.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 40000),
        "server": ("bench", 80),
    }


async def send_to(app: ASGIApp, request: dict[str, Any]) -> int:
    """Send one request to ``app``; its status."""
    body = (request["body"] or "").encode()
    scope = scope_of(request["method"], request["path"], request["headers"], body)
    received = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def package_of(filename: str) -> str:
    """Where a function lives: ``lectern.<domain>``, ``bench``, an installed package, the
    standard library or a built-in."""
    if filename.startswith(("~", "<")):
        return "built-in"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    if filename.startswith(STDLIB):
        return "stdlib"
    if "lectern" in parts:
        rest = parts[len(parts) - parts[::-1].index("lectern") :]
        return "lectern." + (rest[0].removesuffix(".py") if rest else "")
    if "bench" in parts:
        return "bench"
    return "other"


@dataclass(frozen=True)
class Rotation:
    """The requests sent before counting (each request once, so that what is done once,
    such as a token's first verification, is not counted) and those counted, in turn."""

    warm_up: list[dict[str, Any]]
    counted: list[dict[str, Any]]


def rotation_of(endpoint: str, asked: list[dict[str, Any]], count: int) -> Rotation:
    """The requests of ``endpoint``. A heartbeat's are the beats of a few players: beat n of
    a play has ``seq`` n and five seconds more; the first beats (which start the lesson)
    are the warm-up, the next ones (the beat a player sends all along) are counted."""
    if endpoint != "heartbeat":
        return Rotation(asked, asked)
    players = asked[: max(1, min(len(asked), count // 10))]
    beats = [
        [
            {**p, "body": p["body"].replace("{seq}", str(n)).replace("{seconds}", str(5 * n))}
            for p in players
        ]
        for n in range(1, 2 + -(-count // len(players)))
    ]
    return Rotation(beats[0], [beat for later in beats[1:] for beat in later])


async def profile(app: ASGIApp, rotation: Rotation, count: int) -> dict[str, Any]:
    """The calls a request makes, in all and by package, over ``count`` requests of the
    rotation (after its warm-up)."""
    for request in rotation.warm_up:
        await _expect_success(app, request)
    profiler = cProfile.Profile()
    for index in range(count):
        request = rotation.counted[index % len(rotation.counted)]
        profiler.enable()
        status = await send_to(app, request)
        profiler.disable()
        if status >= 400:
            raise RuntimeError(f"{request['method']} {request['path']}: {status}")
    by_package: Counter[str] = Counter()
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_primitive, calls, _own, _total, callers) in stats.items():
        if package_of(filename) != "built-in":
            by_package[package_of(filename)] += calls
            continue
        # A built-in (len, isinstance, a method of dict, a compiled validator) counts for
        # the package that called it.
        for (caller, _l, _n), (_p, from_caller, *_t) in callers.items():
            by_package[package_of(caller)] += from_caller
    return {
        "calls": round(sum(by_package.values()) / count),
        "packages": {name: round(calls / count) for name, calls in by_package.most_common()},
    }


async def _expect_success(app: ASGIApp, request: dict[str, Any]) -> None:
    status = await send_to(app, request)
    if status >= 400:
        raise RuntimeError(f"{request['method']} {request['path']}: {status}")


async def count_calls(asked: dict[str, Any]) -> dict[str, Any]:
    """In the servers' environment: ``{"lectern": {endpoint: {...}}, "floor": {...}}``."""
    from bench import floor
    from lectern import db
    from lectern.app import create_app

    count = asked["count"]
    found: dict[str, dict[str, Any]] = {"lectern": {}, "floor": {}}
    engine = db.create_engine(pool_size=1, max_overflow=0)
    app = create_app(engine=engine)
    try:
        async with app.router.lifespan_context(app):
            for endpoint, rotation in asked["requests"].items():
                found["lectern"][endpoint] = await profile(app, Rotation(**rotation), count)
    finally:
        await engine.dispose()
    raw = floor.Floor()
    await raw.open(size=1)
    try:
        for endpoint in asked["floored"]:
            rotation = _fresh_plays(Rotation(**asked["requests"][endpoint]))
            found["floor"][endpoint] = await profile(raw, rotation, count)
    finally:
        await raw.close()
    return found


def _fresh_plays(rotation: Rotation) -> Rotation:
    """The rotation for a second server: a heartbeat's plays made new (their beats were
    taken), the rest as it was."""
    plays: dict[str, str] = {}

    def renewed(request: dict[str, Any]) -> dict[str, Any]:
        body = request["body"]
        if not body or '"play_id"' not in body:
            return request
        old = json.loads(body)["play_id"]
        new = plays.setdefault(old, str(uuid.uuid4()))
        return {**request, "body": body.replace(old, new)}

    return Rotation(
        [renewed(request) for request in rotation.warm_up],
        [renewed(request) for request in rotation.counted],
    )


async def run(
    server: str, existing: str | None, only: list[str], count: int, size: Size | None = None
) -> dict[str, Any]:
    """The calls of ``count`` requests of each endpoint of ``only``, on a database seeded as
    ``bench.endpoints`` seeds its own (``size``)."""
    async with database(server, existing) as url:
        seeded = await seed(url, size or Size())
        asked = {
            "count": count,
            "requests": {
                endpoint: asdict(
                    rotation_of(
                        endpoint,
                        [
                            {
                                "method": r.method,
                                "path": r.path,
                                "headers": r.headers,
                                "body": r.body,
                            }
                            for r in requests(seeded, endpoint)
                        ],
                        count,
                    )
                )
                for endpoint in only
            },
            "floored": [endpoint for endpoint in only if endpoint in FLOORED],
        }
        counted: dict[str, Any] = await in_server_env("bench.calls", url, asked, "--child")
        return counted


def run_loop(work: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    try:
        import uvloop
    except ImportError:  # not on this platform: asyncio's loop, whose calls are counted too
        return asyncio.run(work)
    return uvloop.run(work)


def table(found: dict[str, Any], packages: int) -> str:
    lines: list[list[object]] = []
    for endpoint, lectern in found["lectern"].items():
        floor = found["floor"].get(endpoint)
        ratio = f"{lectern['calls'] / floor['calls']:.1f}" if floor else ""
        top = list(lectern["packages"].items())[:packages]
        where = ", ".join(f"{name} {calls}" for name, calls in top)
        lines.append([endpoint, lectern["calls"], floor["calls"] if floor else "", ratio, where])
    header = ["endpoint", "calls/req", "floor calls/req", "ratio to floor", "Lectern's by package"]
    return markdown(header, lines, left=1)


# The endpoints counted by default: those that read or write without making anything new.
COUNTED = ("catalog", "search", "course_page", "dashboard", "lesson", "heartbeat", "cart")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database-url", default=None, help="use this empty database")
    parser.add_argument("--only", default=",".join(COUNTED), help="comma-separated endpoints")
    parser.add_argument("--requests", type=int, default=200, help="counted per endpoint")
    parser.add_argument("--packages", type=int, default=6, help="packages shown per endpoint")
    args = parser.parse_args(argv)
    if args.child:
        # On uvloop, as the servers run: the event loop's own work is not Python calls.
        print(json.dumps(run_loop(count_calls(json.load(sys.stdin)))))
        return
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(COUNTED)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}; known: {COUNTED}")
    found = asyncio.run(run(args.server, args.database_url, only, args.requests))
    print(table(found, args.packages))


if __name__ == "__main__":
    main()
