"""Load benchmarks of Lectern's main endpoints, with the raw-asyncpg floor.

Makes a throwaway PostgreSQL database, migrates it, seeds a modest platform
(``bench.seeding``), serves Lectern and ``bench/floor.py`` (the same SQL through a raw
asyncpg pool and the same JSON encoder, no framework, no ORM) with the same number of
uvicorn workers, and drives both with wrk (``bench.wrk``: native, pinned to a core of its
own) for a few seconds per endpoint. The two take turns, endpoint by endpoint, over
several rounds, so that a slow spell of the machine falls on both alike; the report gives
per endpoint the medians of the rounds (req/s, p50, p99, the server's CPU per request), the
ratio to the floor with its spread over the rounds, and the SQL statements a request runs.
Each measurement starts on a vacuumed database (``bench.harness.vacuum``): what the writes
of the ones before it left behind is cleared, as autovacuum would.

    python -m bench.endpoints --server postgresql://postgres@127.0.0.1:5432 \\
        --workers 2 --connections 32 --seconds 5 --rounds 3 [--only catalog,course_page]

``--framed`` adds a third target, the floor's code served by Lectern's own app
(``bench.floor.framed``: its middleware, routing and FastAPI's request handling around the
same statements): its ratio to the floor is the most the framework leaves Lectern, and what
lies between it and Lectern's is Lectern's own work. ``--database-url`` runs on an existing
(empty) database instead and leaves it in place.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL

from bench import wrk
from bench.harness import AUTH, Server, database, in_server_env, markdown, serve, vacuum
from bench.seeding import LEVELS, WORDS, Seeded, Size, seed
from lectern.models import UserRole
from lectern.security.tokens import issue_access_token

ENDPOINTS = (
    "catalog",
    "search",
    "course_page",
    "dashboard",
    "lesson",
    "heartbeat",
    "cart",
    "enroll",
    "login",
)
# The endpoints bench/floor.py serves.
FLOORED = ("catalog", "search", "course_page", "dashboard", "lesson", "heartbeat", "cart")
# Measured in the first round only: each enrollment is made once, and a login is argon2's
# time by design, not the platform's.
ONCE = ("enroll", "login")
TARGETS = ("lectern", "framed", "floor")
LABELS = {"lectern": "", "framed": " (floor in Lectern's app)", "floor": " (floor)"}


@dataclass(frozen=True)
class Options:
    workers: int = 2
    connections: int = 32
    seconds: float = 5
    rounds: int = 3
    only: tuple[str, ...] = ENDPOINTS
    floor: bool = True
    framed: bool = False  # also the floor served by Lectern's app (bench.floor.framed)
    size: Size = field(default_factory=Size)
    server: str = "postgresql://postgres@127.0.0.1:5432"
    database_url: str | None = None  # an existing empty database (left in place)

    @property
    def pool(self) -> int:
        """A worker's connections: one for each request it has in flight (bench.harness)."""
        return -(-self.connections // self.workers)


@dataclass
class Report:
    options: Options
    # (endpoint, target) -> one measurement per round
    runs: dict[tuple[str, str], list[wrk.Measured]] = field(default_factory=dict)
    # target -> endpoint -> the data statements one request runs
    statements: dict[str, dict[str, int]] = field(default_factory=dict)
    # One answer of each floored endpoint from each target, to compare their shapes.
    samples: dict[tuple[str, str], Any] = field(default_factory=dict)

    def add(self, endpoint: str, target: str, measured: wrk.Measured) -> None:
        self.runs.setdefault((endpoint, target), []).append(measured)

    def median(
        self, endpoint: str, target: str, value: Callable[[wrk.Measured], float | None]
    ) -> float | None:
        values = [value(run) for run in self.runs.get((endpoint, target), [])]
        present = [v for v in values if v is not None]
        return statistics.median(present) if present else None

    def ratios(self, endpoint: str, target: str = "lectern") -> list[float]:
        """The target's req/s over the floor's, round by round."""
        pairs = zip(
            self.runs.get((endpoint, target), []),
            self.runs.get((endpoint, "floor"), []),
            strict=False,
        )
        return [lectern.rps / raw.rps for lectern, raw in pairs if raw.rps]

    def ratio(self, endpoint: str) -> float | None:
        ratios = self.ratios(endpoint)
        return statistics.median(ratios) if ratios else None

    @property
    def errors(self) -> int:
        return sum(run.errors for runs in self.runs.values() for run in runs)

    def table(self) -> str:
        lines: list[list[object]] = []
        for endpoint in self.options.only:
            for target in TARGETS:
                if (endpoint, target) in self.runs:
                    lines.append(self._line(endpoint, target))
        header = ["endpoint", "rounds", "errors", "req/s", "p50 ms", "p99 ms", "÷ floor"]
        return markdown([*header, "server CPU ms/req", "statements/req"], lines, left=1)

    def _line(self, endpoint: str, target: str) -> list[object]:
        runs = self.runs[endpoint, target]

        def number(value: Callable[[wrk.Measured], float | None], digits: int) -> str:
            found = self.median(endpoint, target, value)
            return "" if found is None else f"{found:.{digits}f}"

        ratio = ""
        ratios = self.ratios(endpoint, target) if target != "floor" else []
        if ratios:
            ratio = f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
        return [
            endpoint + LABELS[target],
            len(runs),
            sum(run.errors for run in runs),
            number(lambda run: run.rps, 0),
            number(lambda run: run.p50_ms, 2),
            number(lambda run: run.p99_ms, 2),
            ratio,
            number(lambda run: run.cpu_ms_per_request, 2),
            self.statements.get(target, {}).get(endpoint, ""),
        ]


# -- the requests -----------------------------------------------------------------------------


def _bearer(user: uuid.UUID) -> dict[str, str]:
    token, _ = issue_access_token(user, UserRole.STUDENT.value, AUTH)
    return {"Authorization": f"Bearer {token}"}


def _post(
    path: str, body: str, headers: dict[str, str] | None = None, seconds_cap: int = 600
) -> wrk.Request:
    """A POST of a JSON body."""
    return wrk.Request(
        path,
        method="POST",
        headers={**(headers or {}), "Content-Type": "application/json"},
        body=body,
        seconds_cap=seconds_cap,
    )


HEARTBEAT = '{"play_id": "%s", "seq": {seq}, "position": {seconds}, "watched": {seconds}}'


def requests(seeded: Seeded, endpoint: str) -> list[wrk.Request]:
    """The requests a run of ``endpoint`` sends in turn (a heartbeat's players are new in
    each run, so that every run's beats are accepted alike)."""
    if endpoint == "catalog":
        sorts = ("popular", "rating", "newest")
        return [
            wrk.Request(f"/api/v1/courses?level={level}&sort={sort}")
            for level in LEVELS
            for sort in sorts
        ]
    if endpoint == "search":
        queries = [f"{a}+{b}" for a, b in zip(WORDS, WORDS[3:], strict=False)] + WORDS
        return [wrk.Request(f"/api/v1/courses?q={query}") for query in queries]
    if endpoint == "course_page":
        return [wrk.Request(f"/api/v1/courses/{slug}") for slug in seeded.slugs]
    if endpoint == "dashboard":
        return [wrk.Request("/api/v1/enrollments", headers=_bearer(s)) for s in seeded.students]
    if endpoint == "lesson":
        return [
            wrk.Request(
                f"/api/v1/learn/{learner.course}/lessons/{lesson}",
                headers=_bearer(learner.user),
            )
            for learner in seeded.learners
            for lesson in learner.lessons[:3]
        ]
    if endpoint == "heartbeat":
        return [
            _post(
                f"/api/v1/learn/{learner.course}/lessons/{learner.video}/heartbeat",
                HEARTBEAT.replace("%s", str(uuid.uuid4())),
                _bearer(learner.user),
                seconds_cap=learner.video_seconds,
            )
            for learner in seeded.learners
        ]
    if endpoint == "cart":
        return [wrk.Request("/api/v1/cart", headers=_bearer(s)) for s in seeded.students]
    if endpoint == "enroll":
        # Every request a new (newcomer, free course) pair: each makes an enrollment.
        return [
            _post("/api/v1/enrollments", json.dumps({"course": str(course)}), _bearer(newcomer))
            for newcomer in seeded.newcomers
            for course in seeded.free_courses
        ]
    if endpoint == "login":
        return [
            _post(
                "/api/v1/auth/login",
                json.dumps({"identifier": email, "password": seeded.login_password}),
            )
            for email in seeded.logins
        ]
    raise ValueError(f"unknown endpoint {endpoint!r}")


def _one(request: wrk.Request) -> dict[str, Any]:
    """One request to send in process: a heartbeat twice (the first beat, then a beat of
    the same play: the one a player sends all along)."""
    bodies: list[str | None] = [request.body]
    if request.body is not None and "{seq}" in request.body:
        bodies = [
            request.body.replace("{seq}", str(seq)).replace("{seconds}", str(seq * 5))
            for seq in (1, 2)
        ]
    return {
        "method": request.method,
        "path": request.path,
        "headers": request.headers,
        "bodies": bodies,
    }


async def count_statements(url: URL, seeded: Seeded, options: Options) -> dict[str, Any]:
    """The data statements of one request per endpoint (``bench.statements``, in a process
    with the servers' environment); enroll and login are left out (they write once)."""
    endpoints = [endpoint for endpoint in options.only if endpoint not in ONCE]
    asked = {
        "requests": {endpoint: _one(requests(seeded, endpoint)[0]) for endpoint in endpoints},
        "floored": [e for e in endpoints if e in FLOORED] if options.floor else [],
    }
    counted: dict[str, Any] = await in_server_env("bench.statements", url, asked)
    return counted


# -- the whole run ----------------------------------------------------------------------------


async def _sample(server: Server, request: wrk.Request) -> Any:
    import httpx

    body = _one(request)["bodies"][0]
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        response = await client.request(
            request.method, request.path, headers=request.headers, content=body
        )
        return response.json()


async def run(options: Options, progress: Callable[[str], None] | None = None) -> Report:
    say = progress or (lambda _line: None)
    report = Report(options)
    wrk.require()
    async with database(options.server, options.database_url) as url:
        seeded = await seed(url, options.size)
        say(f"seeded {options.size.courses} courses, {options.size.students} students")
        async with AsyncExitStack() as stack:
            pool = options.pool
            lectern = serve(url, options.workers, pool=pool)
            servers = {"lectern": await stack.enter_async_context(lectern)}
            if options.floor and any(endpoint in FLOORED for endpoint in options.only):
                floor = serve(url, options.workers, "bench.floor:app", factory=False, pool=pool)
                servers["floor"] = await stack.enter_async_context(floor)
                if options.framed:
                    framed = serve(url, options.workers, "bench.floor.framed:app", pool=pool)
                    servers["framed"] = await stack.enter_async_context(framed)
            for round_ in range(options.rounds):
                await _round(round_, url, servers, seeded, options, report, say)
            for endpoint in options.only:
                if endpoint in FLOORED and "floor" in servers:
                    first = requests(seeded, endpoint)[0]
                    for target, server in servers.items():
                        report.samples[endpoint, target] = await _sample(server, first)
        report.statements = await count_statements(url, seeded, options)
    return report


async def measure(
    url: URL, server: Server, seeded: Seeded, endpoint: str, options: Options
) -> wrk.Measured:
    """One wrk run of ``endpoint`` against ``server``, on the database ``url`` vacuumed."""
    await vacuum(url)
    return await wrk.measure(
        server,
        requests(seeded, endpoint),
        seconds=options.seconds,
        connections=options.connections,
    )


async def _round(
    round_: int,
    url: URL,
    servers: dict[str, Server],
    seeded: Seeded,
    options: Options,
    report: Report,
    say: Callable[[str], None],
) -> None:
    """Each endpoint on each target, Lectern first in even rounds and the floor first in odd
    ones."""
    for endpoint in options.only:
        if endpoint in ONCE and round_ > 0:
            continue
        floored = endpoint in FLOORED and "floor" in servers
        targets = [target for target in TARGETS if target in servers] if floored else ["lectern"]
        if round_ % 2:
            targets.reverse()
        for target in targets:
            measured = await measure(url, servers[target], seeded, endpoint, options)
            report.add(endpoint, target, measured)
            say(
                f"round {round_ + 1} {target} {endpoint}: {measured.rps:.0f} req/s,"
                f" {measured.errors} errors"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=Options.server, help="a PostgreSQL server URL")
    parser.add_argument("--database-url", default=None, help="use this empty database")
    parser.add_argument("--workers", type=int, default=Options.workers)
    parser.add_argument("--connections", type=int, default=Options.connections)
    parser.add_argument("--seconds", type=float, default=Options.seconds, help="per run")
    parser.add_argument("--rounds", type=int, default=Options.rounds)
    parser.add_argument("--courses", type=int, default=Size.courses)
    parser.add_argument("--students", type=int, default=Size.students)
    parser.add_argument("--only", default=",".join(ENDPOINTS), help="comma-separated endpoints")
    parser.add_argument("--no-floor", action="store_true", help="skip the raw-asyncpg floor")
    parser.add_argument(
        "--framed", action="store_true", help="also the floor served by Lectern's app"
    )
    args = parser.parse_args(argv)
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = set(only) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}; known: {ENDPOINTS}")
    options = Options(
        workers=args.workers,
        connections=args.connections,
        seconds=args.seconds,
        rounds=args.rounds,
        only=only,
        floor=not args.no_floor,
        framed=args.framed and not args.no_floor,
        size=Size(courses=args.courses, students=args.students),
        server=args.server,
        database_url=args.database_url,
    )
    hello = asyncio.run(wrk.bare_hello(seconds=3, connections=options.connections))
    print(f"wrk on a bare ASGI hello: {hello.rps:.0f} req/s", file=sys.stderr)
    report = asyncio.run(run(options, progress=lambda line: print(line, file=sys.stderr)))
    print(report.table())
    if report.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
