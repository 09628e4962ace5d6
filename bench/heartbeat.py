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
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from lectern import migrate
from lectern.auth.tokens import issue_access_token
from lectern.config import AuthSettings
from lectern.db import async_url
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

# A fixed argon2 hash: nobody signs in with a password here, tokens are issued directly.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"  # noqa: S105
ROOT = Path(__file__).resolve().parent.parent
# The server and the players share a signing key made for the run.
JWT_KEY = secrets.token_urlsafe(32)
AUTH = AuthSettings(jwt_keys={"bench": JWT_KEY}, access_token_minutes=60)


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
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def table(self) -> str:
        o = self.options
        return "\n".join(
            [
                "| workers | players | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                f"| {o.workers} | {o.players} | {self.requests} | {self.errors} "
                f"| {self.rps:.0f} | {self.percentile(0.50):.1f} | {self.percentile(0.95):.1f} "
                f"| {self.percentile(0.99):.1f} |",
            ]
        )


# -- the database -----------------------------------------------------------------------------


def _on_server(server: str, database: str) -> URL:
    return async_url(make_url(server).set(database=database))


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(_on_server(server, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


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


# -- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: URL, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LECTERN_DATABASE_URL": url.render_as_string(hide_password=False),
        "LECTERN_RATE_LIMIT_ENABLED": "false",
        "LECTERN_LOG_LEVEL": "WARNING",
        "LECTERN_SCHEDULER": "off",
        "LECTERN_JWT_KEYS": json.dumps({"bench": JWT_KEY}),
    }
    command = [
        sys.executable, "-m", "uvicorn", "lectern.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
        # Longer than the driver's idle connections live (httpx: 5 s), so the server never
        # closes a connection the driver is about to reuse (a ReadError, not a Lectern error).
        "--timeout-keep-alive", "30",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603


async def wait_until_up(base_url: str, process: subprocess.Popen[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                if (await client.get(f"{base_url}/health/live")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            await asyncio.sleep(0.1)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # uvicorn and its workers: our own group
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- the players ------------------------------------------------------------------------------


@dataclass
class _Player:
    play_id: str
    seq: int = 0


async def drive(base_url: str, seeded: Seeded, options: Options) -> Result:
    """``players`` concurrent players until ``requests`` beats have been sent (after one
    warm-up beat each, which creates their progress rows and is not measured)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures: list[str] = []  # the first few failed answers, to print
    budget = options.requests
    limits = httpx.Limits(
        max_connections=options.players, max_keepalive_connections=options.players
    )
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=options.timeout
    ) as client:

        async def player(n: int, measured: bool, state: _Player) -> None:
            nonlocal budget
            user_uuid, role = seeded.students[n % len(seeded.students)]
            token, _ = issue_access_token(user_uuid, role, AUTH)
            headers = {"Authorization": f"Bearer {token}"}
            lesson = seeded.lessons[n % len(seeded.lessons)]
            url = f"/api/v1/learn/{seeded.course}/lessons/{lesson}/heartbeat"
            while True:
                if measured:
                    if budget <= 0:
                        return
                    budget -= 1
                state.seq += 1
                seconds = min(600, state.seq * 5)
                body = {
                    "play_id": state.play_id,
                    "seq": state.seq,
                    "position": seconds,
                    "watched": seconds,
                }
                started = time.perf_counter()
                try:
                    response = await client.post(url, json=body, headers=headers)
                    status = response.status_code
                    if status != 200 and len(failures) < 5:
                        failures.append(f"{status}: {response.text[:300]}")
                except httpx.TransportError as exc:
                    status = 0  # the connection failed: counted as an error
                    if len(failures) < 5:
                        failures.append(f"transport: {exc!r}")
                if measured:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1
                if not measured:
                    return

        states = [_Player(play_id=str(uuid.uuid4())) for _ in range(options.players)]
        await asyncio.gather(*(player(n, False, states[n]) for n in range(options.players)))
        started = time.perf_counter()
        await asyncio.gather(*(player(n, True, states[n]) for n in range(options.players)))
        seconds = time.perf_counter() - started
    errors = sum(count for status, count in statuses.items() if status != 200)
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    return Result(options, len(latencies), errors, seconds, latencies, statuses)


# -- the whole run ----------------------------------------------------------------------------


async def run(options: Options) -> Result:
    own_database = options.database_url is None
    if own_database:
        name = f"lectern_bench_{uuid.uuid4().hex[:12]}"
        await _admin(options.server, f'CREATE DATABASE "{name}"')
        url = _on_server(options.server, name)
    else:
        url = async_url(make_url(options.database_url or ""))
    process: subprocess.Popen[bytes] | None = None
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        seeded = await seed(url, options)
        port = _free_port()
        process = start_server(url, options.workers, port)
        base_url = f"http://127.0.0.1:{port}"
        await wait_until_up(base_url, process, within=60)
        result = await drive(base_url, seeded, options)
        enrollments, rows, count = await consistency(url)
        if enrollments != rows:
            raise RuntimeError(f"watch time differs: enrollments {enrollments}, lessons {rows}")
        if count > len(seeded.students) * len(seeded.lessons):
            raise RuntimeError(f"{count} progress rows for {len(seeded.students)} students")
        return result
    finally:
        if process is not None:
            stop_server(process)
        if own_database:
            await _admin(options.server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


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
