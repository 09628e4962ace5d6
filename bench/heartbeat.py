"""Benchmark of the player heartbeat (POST /learn/{course}/lessons/{lesson}/heartbeat).

Makes a throwaway PostgreSQL database, migrates it and seeds it with bulk inserts (an
instructor, a published course with video lessons, many enrolled students), serves Lectern
with uvicorn (N worker processes) on loopback, and drives heartbeats from this process:
many concurrent players, each a student with their own token and play_id, beating one
lesson with increasing seq / position / watched. Reports requests/s and latency
percentiles as a markdown table, checks that watch time stayed consistent, and drops the
database.

    python -m bench.heartbeat --server postgresql://postgres@127.0.0.1:5432 \\
        --workers 2 --players 200 --requests 20000

``--database-url`` runs on an existing (empty) database instead and leaves it in place.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import AUTH, PASSWORD_HASH, database, drive, markdown, percentile, serve
from lectern.models import (
    Course,
    CourseSection,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonType,
    User,
    UserRole,
)
from lectern.security.tokens import issue_access_token


@dataclass(frozen=True)
class Options:
    players: int = 200
    requests: int = 20_000
    workers: int = 2
    lessons: int = 10
    students: int = 0  # 0: one per player
    server: str = "postgresql://postgres@127.0.0.1:5432"
    database_url: str | None = None  # an existing empty database (left in place)
    timeout: float = 30.0


@dataclass
class Result:
    options: Options
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        return percentile(self.latencies_ms, share)

    def table(self) -> str:
        o = self.options
        return markdown(
            ["workers", "players", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"],
            [
                [
                    o.workers,
                    o.players,
                    self.requests,
                    self.errors,
                    f"{self.rps:.0f}",
                    f"{self.percentile(0.50):.1f}",
                    f"{self.percentile(0.95):.1f}",
                    f"{self.percentile(0.99):.1f}",
                ]
            ],
        )


# -- the database -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    course: uuid.UUID
    lessons: list[uuid.UUID]
    students: list[tuple[uuid.UUID, str]]  # uuid, role


async def seed(url: URL, options: Options) -> Seeded:
    """An instructor, a published course with ``lessons`` 10-minute videos, and the
    students enrolled in it: bulk inserts, a few statements whatever the numbers."""
    students = options.students or options.players
    engine = create_async_engine(url)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as conn:
            tag = uuid.uuid4().hex[:8]
            author_id = await conn.scalar(
                insert(User)
                .values(
                    name="Bench Author",
                    username=f"bench{tag}",
                    email=f"bench{tag}@example.test",
                    password_hash=PASSWORD_HASH,
                    role=UserRole.INSTRUCTOR,
                )
                .returning(User.id)
            )
            course_uuid = uuid.uuid4()
            course_id = await conn.scalar(
                insert(Course)
                .values(
                    uuid=course_uuid,
                    instructor_id=author_id,
                    title="Heartbeat bench",
                    slug=f"heartbeat-bench-{tag}",
                    status=CourseStatus.PUBLISHED,
                    is_published=True,
                    is_approved=True,
                    published_at=now,
                )
                .returning(Course.id)
            )
            section_id = await conn.scalar(
                insert(CourseSection)
                .values(course_id=course_id, title="Videos", order=0)
                .returning(CourseSection.id)
            )
            lesson_uuids = [uuid.uuid4() for _ in range(options.lessons)]
            await conn.execute(
                insert(Lesson),
                [
                    {
                        "uuid": lesson_uuid,
                        "course_id": course_id,
                        "section_id": section_id,
                        "title": f"Video {n}",
                        "order": n,
                        "type": LessonType.VIDEO,
                        "video_url": f"https://video.example/{n}.mp4",
                        "duration_seconds": 600,
                    }
                    for n, lesson_uuid in enumerate(lesson_uuids)
                ],
            )
            user_uuids = [uuid.uuid4() for _ in range(students)]
            user_ids = (
                await conn.scalars(
                    insert(User).returning(User.id, sort_by_parameter_order=True),
                    [
                        {
                            "uuid": user_uuid,
                            "name": f"Student {n}",
                            "username": f"s{tag}{n}",
                            "email": f"s{tag}{n}@example.test",
                            "password_hash": PASSWORD_HASH,
                            "role": UserRole.STUDENT,
                        }
                        for n, user_uuid in enumerate(user_uuids)
                    ],
                )
            ).all()
            await conn.execute(
                insert(Enrollment),
                [
                    {
                        "uuid": uuid.uuid4(),
                        "user_id": user_id,
                        "course_id": course_id,
                        "price_paid": 0,
                    }
                    for user_id in user_ids
                ],
            )
            await conn.execute(
                Course.__table__.update()
                .where(Course.id == course_id)
                .values(total_lectures=options.lessons)
            )
            await conn.execute(
                Enrollment.__table__.update()
                .where(Enrollment.course_id == course_id)
                .values(total_lessons=options.lessons)
            )
    finally:
        await engine.dispose()
    return Seeded(
        course=course_uuid,
        lessons=lesson_uuids,
        students=[(user_uuid, UserRole.STUDENT.value) for user_uuid in user_uuids],
    )


async def consistency(url: URL) -> tuple[int, int, int]:
    """(sum of enrollments' watch time, sum of lesson_progress watch time, progress rows)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            enrollments = await conn.scalar(select(func.sum(Enrollment.total_watch_time)))
            rows = (
                await conn.execute(
                    select(func.sum(LessonProgress.watch_time), func.count(LessonProgress.id))
                )
            ).one()
    finally:
        await engine.dispose()
    return int(enrollments or 0), int(rows[0] or 0), int(rows[1])


# -- the players ------------------------------------------------------------------------------


async def drive_players(base_url: str, seeded: Seeded, options: Options) -> Result:
    """``players`` concurrent players until ``requests`` beats have been sent (after one
    warm-up beat each, which creates their progress rows and is not measured)."""
    play_ids = [str(uuid.uuid4()) for _ in range(options.players)]
    seqs = [0] * options.players
    tokens: list[dict[str, str]] = []
    for n in range(options.players):
        user_uuid, role = seeded.students[n % len(seeded.students)]
        token, _ = issue_access_token(user_uuid, role, AUTH)
        tokens.append({"Authorization": f"Bearer {token}"})

    async def beat(client: httpx.AsyncClient, player: int, n: int) -> httpx.Response:
        lesson = seeded.lessons[player % len(seeded.lessons)]
        seqs[player] += 1
        seconds = min(600, seqs[player] * 5)
        body = {
            "play_id": play_ids[player],
            "seq": seqs[player],
            "position": seconds,
            "watched": seconds,
        }
        return await client.post(
            f"/api/v1/learn/{seeded.course}/lessons/{lesson}/heartbeat",
            json=body,
            headers=tokens[player],
        )

    stats = await drive(
        base_url,
        beat,
        concurrency=options.players,
        requests=options.requests,
        warmup=True,
        request_timeout=options.timeout,
    )
    return Result(
        options, stats.requests, stats.errors, stats.seconds, stats.latencies_ms, stats.statuses
    )


# -- the whole run ----------------------------------------------------------------------------


async def run(options: Options) -> Result:
    async with database(options.server, options.database_url) as url:
        seeded = await seed(url, options)
        async with serve(url, options.workers) as server:
            result = await drive_players(server.base_url, seeded, options)
        enrollments, rows, count = await consistency(url)
        if enrollments != rows:
            raise RuntimeError(f"watch time differs: enrollments {enrollments}, lessons {rows}")
        if count > len(seeded.students) * len(seeded.lessons):
            raise RuntimeError(f"{count} progress rows for {len(seeded.students)} students")
        return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=Options.server, help="a PostgreSQL server URL")
    parser.add_argument("--database-url", default=None, help="use this empty database")
    parser.add_argument("--workers", type=int, default=Options.workers)
    parser.add_argument("--players", type=int, default=Options.players)
    parser.add_argument("--requests", type=int, default=Options.requests)
    parser.add_argument("--lessons", type=int, default=Options.lessons)
    parser.add_argument("--students", type=int, default=0, help="default: one per player")
    args = parser.parse_args(argv)
    options = Options(
        players=args.players,
        requests=args.requests,
        workers=args.workers,
        lessons=args.lessons,
        students=args.students,
        server=args.server,
        database_url=args.database_url,
    )
    result = asyncio.run(run(options))
    print(result.table())
    print(f"\nstatuses: {result.statuses}; {result.seconds:.1f} s measured")
    if result.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
