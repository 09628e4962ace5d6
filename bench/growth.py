"""Growth: the endpoint benchmarks on platforms of the small, medium and large sizes.

For each size: a throwaway PostgreSQL database, migrated and filled by
``lectern.seed.scale`` (the size's preset, seed 1); the requests' subjects are picked from
it (published courses, active enrollments with a video lesson, free courses, accounts to
sign in with) and a few newcomers are added for the enroll benchmark; then Lectern is
served and every endpoint driven by wrk as ``bench/endpoints.py`` does. The report gives each
endpoint's p50 latency and throughput per size, and how much the p50 grew from the first
size to the last: an index scan stays flat as tables grow, a table scan does not.

With ``--rounds N`` every platform is generated first, then measured N times, the sizes
taking turns (small, medium, large, small, …), so that a slow spell of a shared machine
falls on every size alike; the report gives the medians of the rounds.

    python -m bench.growth --sizes small,medium,large --workers 2 --connections 32 \\
        --seconds 5 --rounds 3 [--only catalog,dashboard]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench import wrk
from bench.endpoints import ENDPOINTS, Options, measure
from bench.harness import PASSWORD_HASH, database, markdown, serve
from bench.seeding import Learner, Seeded
from lectern.models import User, UserRole
from lectern.seed.scale import SCALE_PASSWORD, SIZES, Plan, generate

# How many subjects the requests spread over, whatever the size.
COURSES, FREE_COURSES, LEARNERS, LOGINS = 300, 100, 500, 20
ENROLLMENTS_PER_RUN = 5000
LIVE = "e.status IN ('active', 'completed') AND e.is_active AND e.deleted_at IS NULL"
VISIBLE = "c.status = 'published' AND c.is_approved AND c.deleted_at IS NULL"


@dataclass
class Growth:
    options: Options
    sizes: list[str]
    # size -> one {endpoint: stats} per round
    rounds: dict[str, list[dict[str, wrk.Measured]]] = field(default_factory=dict)
    seed_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(
            stats.errors for runs in self.rounds.values() for by in runs for stats in by.values()
        )

    def p50(self, size: str, endpoint: str) -> float | None:
        """The median over the rounds of the endpoint's p50 at this size."""
        return self._median(size, endpoint, lambda stats: stats.p50_ms)

    def rps(self, size: str, endpoint: str) -> float | None:
        return self._median(size, endpoint, lambda stats: stats.rps)

    def _median(
        self, size: str, endpoint: str, value: Callable[[wrk.Measured], float]
    ) -> float | None:
        values = [value(by[endpoint]) for by in self.rounds[size] if endpoint in by]
        return statistics.median(values) if values else None

    def growth(self, endpoint: str) -> float | None:
        """The median p50 of the last size over the first's, minus one (0.25: 25 % slower)."""
        base = self.p50(self.sizes[0], endpoint)
        last = self.p50(self.sizes[-1], endpoint)
        return last / base - 1 if base and last is not None else None

    def round_growths(self, endpoint: str) -> list[float]:
        """The growth measured by each round alone."""
        first, last = self.rounds[self.sizes[0]], self.rounds[self.sizes[-1]]
        return [
            b[endpoint].p50_ms / a[endpoint].p50_ms - 1
            for a, b in zip(first, last, strict=True)
            if endpoint in a and endpoint in b and a[endpoint].p50_ms
        ]

    def table(self) -> str:
        header = [
            "endpoint",
            *(f"{size} p50 ms" for size in self.sizes),
            f"p50 growth {self.sizes[0]} → {self.sizes[-1]}",
            *(f"{size} req/s" for size in self.sizes),
            "growth in each round",
        ]
        lines: list[list[object]] = []
        for endpoint in self.options.only:
            p50s = [self.p50(size, endpoint) for size in self.sizes]
            rps = [self.rps(size, endpoint) for size in self.sizes]
            growth = self.growth(endpoint)
            lines.append(
                [
                    endpoint,
                    *(f"{p:.1f}" if p is not None else "" for p in p50s),
                    f"{growth:+.0%}" if growth is not None else "",
                    *(f"{r:.0f}" if r is not None else "" for r in rps),
                    " ".join(f"{g:+.0%}" for g in self.round_growths(endpoint)),
                ]
            )
        return markdown(header, lines, left=1)


async def pick(url: URL, options: Options, rounds: int = 1) -> list[Seeded]:
    """The subjects of the requests of each round, from a platform made by
    lectern.seed.scale: the same ones every round but the newcomers (enrolled nowhere) of
    the enroll benchmark, new in each round since each enrollment is made once."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            seeded = await _pick(conn, options, rounds)
    finally:
        await engine.dispose()
    each = len(seeded.newcomers) // rounds
    return [
        replace(seeded, newcomers=seeded.newcomers[r * each : (r + 1) * each])
        for r in range(rounds)
    ]


async def _pick(conn: AsyncConnection, options: Options, rounds: int) -> Seeded:
    async def column(sql: str, **params: Any) -> list[Any]:
        return list((await conn.execute(text(sql), params)).scalars())

    # md5 of the id: a spread of the table that is the same on every run.
    slugs = await column(
        f"SELECT c.slug FROM courses c WHERE {VISIBLE} ORDER BY md5(c.id::text) LIMIT :n",  # noqa: S608
        n=COURSES,
    )
    free = await column(
        f"SELECT c.uuid FROM courses c WHERE {VISIBLE} AND c.price_type = 'free' "  # noqa: S608
        "ORDER BY md5(c.id::text) LIMIT :n",
        n=FREE_COURSES,
    )
    enrolled = (
        await conn.execute(
            text(
                "SELECT u.uuid, c.uuid, c.id FROM enrollments e "  # noqa: S608
                "JOIN users u ON u.id = e.user_id JOIN courses c ON c.id = e.course_id "
                f"WHERE {LIVE} AND {VISIBLE} ORDER BY md5(e.id::text) LIMIT :n"
            ),
            {"n": LEARNERS},
        )
    ).all()
    lessons: dict[int, list[tuple[uuid.UUID, int]]] = {}  # course -> (lesson, video seconds)
    rows = await conn.execute(
        text(
            "SELECT l.course_id, l.uuid, "
            "CASE WHEN l.type = 'video' THEN l.duration_seconds ELSE 0 END "
            "FROM lessons l JOIN course_sections s ON s.id = l.section_id "
            "WHERE l.course_id = ANY(:ids) AND l.is_published AND l.deleted_at IS NULL "
            "AND s.is_published AND s.deleted_at IS NULL "
            "ORDER BY l.course_id, s.order, s.id, l.order, l.id"
        ),
        {"ids": sorted({course_id for _, _, course_id in enrolled})},
    )
    for course_id, lesson_uuid, video_seconds in rows:
        lessons.setdefault(course_id, []).append((lesson_uuid, video_seconds))
    learners = []
    for user_uuid, course_uuid, course_id in enrolled:
        videos = [(lesson, seconds) for lesson, seconds in lessons.get(course_id, []) if seconds]
        if videos:
            every = [lesson for lesson, _ in lessons[course_id]]
            video, seconds = videos[0]
            learners.append(Learner(user_uuid, course_uuid, every, video, seconds))
    logins = await column(
        "SELECT email FROM users WHERE role = 'student' AND email LIKE '%@scale.test' "
        "ORDER BY id LIMIT :n",
        n=LOGINS,
    )
    # Enough (newcomer, free course) pairs for a run's enrollments: wrk sends each once.
    per_round = max(2, ENROLLMENTS_PER_RUN // max(1, len(free)))
    newcomers = [uuid.uuid4() for _ in range(per_round * rounds)]
    now = datetime.now(UTC)
    await conn.execute(
        insert(User),
        [
            {
                "uuid": newcomer,
                "name": f"Newcomer {n}",
                "username": f"growth-newcomer-{newcomer.hex[:12]}",
                "email": f"growth-{newcomer.hex[:12]}@example.test",
                "password_hash": PASSWORD_HASH,
                "role": UserRole.STUDENT,
                "email_verified_at": now,
            }
            for n, newcomer in enumerate(newcomers)
        ],
    )
    if not (slugs and free and learners and logins):
        raise RuntimeError("the platform is too small to benchmark: generate a larger size")
    return Seeded(
        slugs=slugs,
        free_courses=free,
        learners=learners,
        students=[learner.user for learner in learners],
        newcomers=newcomers,
        logins=logins,
        login_password=SCALE_PASSWORD,
    )


async def run(
    options: Options,
    plans: dict[str, Plan],
    progress: Callable[[str], None] | None = None,
    rounds: int = 1,
) -> Growth:
    """Measure ``options.only`` ``rounds`` times on a platform made from each plan: every
    platform is made first, then the rounds take the sizes in turn."""
    say = progress or (lambda _line: None)
    result = Growth(options, list(plans))
    async with AsyncExitStack() as stack:
        platforms: dict[str, tuple[URL, list[Seeded]]] = {}
        for size, plan in plans.items():
            url = await stack.enter_async_context(database(options.server))
            started = time.perf_counter()
            await generate(url, plan)
            result.seed_seconds[size] = time.perf_counter() - started
            say(f"{size}: generated in {result.seed_seconds[size]:.0f} s")
            platforms[size] = url, await pick(url, options, rounds)
        for n in range(rounds):
            for size, (url, seeded) in platforms.items():
                async with serve(url, options.workers, pool=options.pool) as server:
                    by_endpoint = {}
                    for endpoint in options.only:
                        measured = await measure(url, server, seeded[n], endpoint, options)
                        by_endpoint[endpoint] = measured
                        say(f"{size}: {endpoint} {measured.rps:.0f} req/s")
                result.rounds.setdefault(size, []).append(by_endpoint)
    return result


def _prefixed(say: Callable[[str], None], prefix: str) -> Callable[[str], None]:
    return lambda line: say(f"{prefix}: {line}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=Options.server, help="a PostgreSQL server URL")
    parser.add_argument("--sizes", default="small,medium,large", help="comma-separated sizes")
    parser.add_argument("--workers", type=int, default=Options.workers)
    parser.add_argument("--connections", type=int, default=Options.connections)
    parser.add_argument("--seconds", type=float, default=Options.seconds, help="per run")
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each size")
    parser.add_argument("--only", default=",".join(ENDPOINTS), help="comma-separated endpoints")
    args = parser.parse_args(argv)
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    if unknown := set(sizes) - set(SIZES):
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}; known: {sorted(SIZES)}")
    if unknown := set(only) - set(ENDPOINTS):
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}; known: {ENDPOINTS}")
    options = replace(
        Options(),
        server=args.server,
        workers=args.workers,
        connections=args.connections,
        seconds=args.seconds,
        only=only,
        floor=False,
    )
    plans = {size: Plan.preset(size) for size in sizes}
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    def say(line: str) -> None:
        print(line, file=sys.stderr)

    result = asyncio.run(run(options, plans, progress=say, rounds=args.rounds))
    print(result.table())
    if result.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
