"""Load benchmarks of Lectern's main endpoints, with the raw-asyncpg floor.

Makes a throwaway PostgreSQL database, migrates it and seeds a modest platform with bulk
inserts (categories, tags, instructors, hundreds of published courses with sections and
lessons, students enrolled in several courses, accounts to sign in with), serves Lectern
with uvicorn (N workers) on loopback and sends a bounded number of requests from this
process to each endpoint in turn. For the catalog list, the course page and the heartbeat
it then serves ``bench/floor.py`` (the same SQL through a raw asyncpg pool and the same JSON
encoder, no framework, no ORM) with the same number of workers and sends it the same
requests: the report gives Lectern's throughput as a ratio of that floor.

    python -m bench.endpoints --server postgresql://postgres@127.0.0.1:5432 \\
        --workers 2 --concurrency 20 --requests 2000 [--only catalog,course_page]

``--database-url`` runs on an existing (empty) database instead and leaves it in place.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import delete, insert, text, update
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench.harness import (
    AUTH,
    PASSWORD_HASH,
    Send,
    Server,
    Stats,
    database,
    drive,
    markdown,
    serve,
)
from lectern.models import (
    Category,
    Course,
    CourseLevel,
    CoursePriceType,
    CourseSection,
    CourseStatus,
    CourseTag,
    Enrollment,
    EnrollmentType,
    Lesson,
    LessonProgress,
    LessonType,
    Tag,
    User,
    UserRole,
    WatchHistory,
)
from lectern.security.passwords import hash_now
from lectern.security.tokens import issue_access_token

ENDPOINTS = (
    "catalog",
    "search",
    "course_page",
    "dashboard",
    "lesson",
    "heartbeat",
    "enroll",
    "login",
)
FLOORED = ("catalog", "course_page", "heartbeat")  # the endpoints bench/floor.py serves
LOGIN_PASSWORD = "Bench-pass-1"  # noqa: S105
LEVELS = [level.value for level in CourseLevel]
WORDS = [
    "python",
    "data",
    "web",
    "design",
    "business",
    "marketing",
    "finance",
    "music",
    "photography",
    "cooking",
    "yoga",
    "drawing",
    "writing",
    "excel",
    "statistics",
    "machine",
    "learning",
    "cloud",
    "security",
    "networks",
    "guitar",
    "piano",
    "leadership",
    "sales",
    "accounting",
    "javascript",
    "react",
    "databases",
    "spanish",
    "french",
]


@dataclass(frozen=True)
class Options:
    workers: int = 2
    concurrency: int = 20
    requests: int = 2000
    login_requests: int = 0  # 0: requests // 10 (argon2 is slow by design)
    only: tuple[str, ...] = ENDPOINTS
    floor: bool = True
    courses: int = 300
    students: int = 500
    enrollments_per_student: int = 5
    server: str = "postgresql://postgres@127.0.0.1:5432"
    database_url: str | None = None  # an existing empty database (left in place)
    timeout: float = 30.0

    def count(self, endpoint: str) -> int:
        if endpoint == "login":
            return self.login_requests or max(1, self.requests // 10)
        return self.requests


@dataclass
class Row:
    endpoint: str
    target: str  # "lectern" or "floor"
    stats: Stats


@dataclass
class Report:
    options: Options
    rows: list[Row] = field(default_factory=list)
    # One answer of each floored endpoint from each target, to compare their shapes.
    samples: dict[tuple[str, str], Any] = field(default_factory=dict)

    def get(self, endpoint: str, target: str = "lectern") -> Stats | None:
        for row in self.rows:
            if (row.endpoint, row.target) == (endpoint, target):
                return row.stats
        return None

    @property
    def errors(self) -> int:
        return sum(row.stats.errors for row in self.rows)

    def table(self) -> str:
        lines: list[list[object]] = []
        for endpoint in self.options.only:
            lectern = self.get(endpoint)
            if lectern is None:
                continue
            floor = self.get(endpoint, "floor")
            ratio = f"{lectern.rps / floor.rps:.2f}" if floor and floor.rps else ""
            lines.append(_cells(endpoint, lectern, ratio))
            if floor is not None:
                lines.append(_cells(f"{endpoint} (floor)", floor, ""))
        header = ["endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"]
        return markdown([*header, "÷ floor", "server CPU ms/req"], lines, left=1)


def _cells(name: str, stats: Stats, ratio: str) -> list[object]:
    cpu = stats.cpu_ms_per_request
    return [
        name,
        stats.requests,
        stats.errors,
        f"{stats.rps:.0f}",
        f"{stats.percentile(0.50):.1f}",
        f"{stats.percentile(0.95):.1f}",
        f"{stats.percentile(0.99):.1f}",
        ratio,
        f"{cpu:.2f}" if cpu is not None else "",
    ]


# -- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    user: uuid.UUID
    course: uuid.UUID
    lessons: list[uuid.UUID]  # the lessons the lesson benchmark opens
    video: uuid.UUID  # the lesson the heartbeat benchmark plays
    video_seconds: int = 600  # its running time


@dataclass
class Seeded:
    slugs: list[str]
    free_courses: list[uuid.UUID]
    learners: list[Learner]  # a student and one of their courses (one per student)
    students: list[uuid.UUID]  # enrolled in several courses each
    newcomers: list[uuid.UUID]  # enrolled nowhere: they enroll in free courses
    logins: list[str]  # e-mail addresses signing in with login_password
    login_password: str = LOGIN_PASSWORD


async def _ids(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk INSERT ... RETURNING id, in the order of ``rows``."""
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list((await conn.scalars(statement, rows)).all())


async def seed(url: URL, options: Options) -> Seeded:
    """A modest platform: bulk inserts, a few dozen statements whatever the numbers."""
    rng = random.Random(7)  # noqa: S311 - data, not secrets
    now = datetime.now(UTC)
    lessons_per_section, sections_per_course = 5, 4
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            parents = await _ids(
                conn,
                Category,
                [{"name": f"Topic {n}", "slug": f"topic-{n}", "order": n} for n in range(8)],
            )
            children = await _ids(
                conn,
                Category,
                [
                    {"name": f"Topic {p}.{n}", "slug": f"topic-{p}-{n}", "parent_id": parent}
                    for p, parent in enumerate(parents)
                    for n in range(3)
                ],
            )
            tags = await _ids(
                conn, Tag, [{"name": f"Tag {n}", "slug": f"tag-{n}"} for n in range(60)]
            )
            teachers = await _ids(
                conn,
                User,
                [
                    {
                        "name": f"Teacher {n}",
                        "username": f"teacher{n}",
                        "email": f"teacher{n}@example.test",
                        "password_hash": PASSWORD_HASH,
                        "role": UserRole.INSTRUCTOR,
                        "email_verified_at": now,
                    }
                    for n in range(30)
                ],
            )
            course_uuids = [uuid.uuid4() for _ in range(options.courses)]
            course_rows: list[dict[str, Any]] = []
            for n, course_uuid in enumerate(course_uuids):
                is_free = n % 3 == 0
                words = rng.sample(WORDS, 6)
                child = rng.randrange(len(children))
                course_rows.append(
                    {
                        "uuid": course_uuid,
                        "instructor_id": teachers[n % len(teachers)],
                        "category_id": parents[child // 3],
                        "subcategory_id": children[child],
                        "title": f"{words[0].title()} and {words[1]} course {n}",
                        "slug": f"course-{n}",
                        "subtitle": f"Learn {words[2]} with {words[3]}",
                        "short_description": f"A course on {' '.join(words[:4])}.",
                        "description": " ".join(rng.choices(WORDS, k=120)),
                        "requirements": ["A computer", f"Curiosity about {words[4]}"],
                        "what_you_learn": [f"{word.title()} basics" for word in words],
                        "target_audience": ["Beginners", "Professionals"],
                        "price_type": CoursePriceType.FREE if is_free else CoursePriceType.PAID,
                        "price": None if is_free else Decimal(rng.randrange(10, 200)),
                        "level": LEVELS[n % len(LEVELS)],
                        "language": "en" if n % 5 else "fr",
                        "duration_minutes": lessons_per_section * sections_per_course * 10,
                        "total_sections": sections_per_course,
                        "total_lectures": lessons_per_section * sections_per_course,
                        "rating": Decimal(rng.randrange(300, 500)) / 100,
                        "total_reviews": rng.randrange(0, 500),
                        "total_enrollments": rng.randrange(0, 5000),
                        "status": CourseStatus.PUBLISHED,
                        "is_published": True,
                        "is_approved": True,
                        "is_featured": n % 10 == 0,
                        "published_at": now - timedelta(days=n),
                    }
                )
            courses = await _ids(conn, Course, course_rows)
            await conn.execute(
                insert(CourseTag),
                [
                    {"course_id": course, "tag_id": tag}
                    for course in courses
                    for tag in rng.sample(tags, 3)
                ],
            )
            sections = await _ids(
                conn,
                CourseSection,
                [
                    {"course_id": course, "title": f"Part {s + 1}", "order": s}
                    for course in courses
                    for s in range(sections_per_course)
                ],
            )
            lesson_uuids: dict[int, list[uuid.UUID]] = {course: [] for course in courses}
            lesson_rows = []
            for position, section in enumerate(sections):
                course = courses[position // sections_per_course]
                for n in range(lessons_per_section):
                    lesson_uuid = uuid.uuid4()
                    lesson_uuids[course].append(lesson_uuid)
                    lesson_rows.append(
                        {
                            "uuid": lesson_uuid,
                            "course_id": course,
                            "section_id": section,
                            "title": f"Lesson {n + 1}",
                            "description": "What this lesson covers.",
                            "order": n,
                            "type": LessonType.VIDEO,
                            "video_url": f"https://video.example/{lesson_uuid}.mp4",
                            "duration_seconds": 600,
                            "is_free": position % sections_per_course == 0 and n == 0,
                        }
                    )
            await conn.execute(insert(Lesson), lesson_rows)

            def people(prefix: str, count: int, password_hash: str) -> list[dict[str, Any]]:
                return [
                    {
                        "uuid": uuid.uuid4(),
                        "name": f"{prefix.title()} {n}",
                        "username": f"{prefix}{n}",
                        "email": f"{prefix}{n}@example.test",
                        "password_hash": password_hash,
                        "role": UserRole.STUDENT,
                        "email_verified_at": now,
                    }
                    for n in range(count)
                ]

            student_rows = people("student", options.students, PASSWORD_HASH)
            students = await _ids(conn, User, student_rows)
            free = [n for n in range(len(courses)) if n % 3 == 0]
            newcomer_count = options.requests // max(1, len(free)) + 2
            newcomer_rows = people("newcomer", newcomer_count, PASSWORD_HASH)
            await conn.execute(insert(User), newcomer_rows)
            login_rows = people("login", 20, hash_now(LOGIN_PASSWORD))
            await conn.execute(insert(User), login_rows)

            total = lessons_per_section * sections_per_course
            enrollment_rows = []
            learners = []
            for s, student in enumerate(students):
                picked = rng.sample(range(len(courses)), options.enrollments_per_student)
                for course_index in picked:
                    enrollment_rows.append(
                        {
                            "uuid": uuid.uuid4(),
                            "user_id": student,
                            "course_id": courses[course_index],
                            "enrollment_type": EnrollmentType.PAID,
                            "price_paid": 0,
                            "total_lessons": total,
                            "enrolled_at": now - timedelta(days=rng.randrange(1, 100)),
                        }
                    )
                first = courses[picked[0]]
                lessons = lesson_uuids[first]
                learners.append(
                    Learner(student_rows[s]["uuid"], course_uuids[picked[0]], lessons, lessons[0])
                )
            await conn.execute(insert(Enrollment), enrollment_rows)
        # Statistics, as autovacuum keeps them on a live platform: without them the planner
        # guesses, and reads every lesson for each row of the dashboard.
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return Seeded(
        slugs=[row["slug"] for row in course_rows],
        free_courses=[course_uuids[n] for n in free],
        learners=learners,
        students=[row["uuid"] for row in student_rows],
        newcomers=[row["uuid"] for row in newcomer_rows],
        logins=[row["email"] for row in login_rows],
    )


async def reset_heartbeats(url: URL) -> None:
    """Forget the progress the Lectern run made, so the floor's run beats the same way."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(delete(WatchHistory))
            await conn.execute(delete(LessonProgress))
            await conn.execute(update(Enrollment).values(total_watch_time=0, last_lesson_id=None))
    finally:
        await engine.dispose()


# -- the requests -----------------------------------------------------------------------------


def _bearer(user: uuid.UUID) -> dict[str, str]:
    token, _ = issue_access_token(user, UserRole.STUDENT.value, AUTH)
    return {"Authorization": f"Bearer {token}"}


def senders(seeded: Seeded, options: Options) -> dict[str, tuple[Send, tuple[int, ...], bool]]:
    """endpoint -> (send, the statuses that succeed, warm up each task first)."""
    student_headers = [_bearer(user) for user in seeded.students]
    learner_headers = [_bearer(learner.user) for learner in seeded.learners]
    newcomer_headers = [_bearer(user) for user in seeded.newcomers]
    sorts = ("popular", "rating", "newest")
    queries = [f"{a} {b}" for a, b in zip(WORDS, WORDS[3:], strict=False)] + WORDS

    async def catalog(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        level = LEVELS[n % len(LEVELS)]
        sort = sorts[n % len(sorts)]
        return await client.get(f"/api/v1/courses?level={level}&sort={sort}")

    async def search(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        return await client.get("/api/v1/courses", params={"q": queries[n % len(queries)]})

    async def course_page(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        return await client.get(f"/api/v1/courses/{seeded.slugs[n % len(seeded.slugs)]}")

    async def dashboard(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        headers = student_headers[n % len(student_headers)]
        return await client.get("/api/v1/enrollments", headers=headers)

    async def lesson(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        learner = seeded.learners[n % len(seeded.learners)]
        lesson_uuid = learner.lessons[n % len(learner.lessons)]
        path = f"/api/v1/learn/{learner.course}/lessons/{lesson_uuid}"
        return await client.get(path, headers=learner_headers[n % len(seeded.learners)])

    # The heartbeat: one player per task, each a learner beating a lesson of their course.
    play_ids = [str(uuid.uuid4()) for _ in range(options.concurrency)]
    seqs = [0] * options.concurrency

    async def heartbeat(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        learner = seeded.learners[task % len(seeded.learners)]
        seqs[task] += 1
        seconds = min(learner.video_seconds, seqs[task] * 5)
        body = {"play_id": play_ids[task], "seq": seqs[task], "position": seconds}
        return await client.post(
            f"/api/v1/learn/{learner.course}/lessons/{learner.video}/heartbeat",
            json={**body, "watched": seconds},
            headers=learner_headers[task % len(seeded.learners)],
        )

    async def enroll(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        # Every request a new (newcomer, free course) pair: each creates an enrollment.
        course = seeded.free_courses[n % len(seeded.free_courses)]
        headers = newcomer_headers[n // len(seeded.free_courses)]
        return await client.post(
            "/api/v1/enrollments", json={"course": str(course)}, headers=headers
        )

    async def login(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
        email = seeded.logins[n % len(seeded.logins)]
        return await client.post(
            "/api/v1/auth/login", json={"identifier": email, "password": seeded.login_password}
        )

    return {
        "catalog": (catalog, (200,), False),
        "search": (search, (200,), False),
        "course_page": (course_page, (200,), False),
        "dashboard": (dashboard, (200,), False),
        "lesson": (lesson, (200,), False),
        "heartbeat": (heartbeat, (200,), True),
        "enroll": (enroll, (201,), False),
        "login": (login, (200,), False),
    }


# -- the whole run ----------------------------------------------------------------------------


async def _sample(base_url: str, send: Send) -> Any:
    async with httpx.AsyncClient(base_url=base_url) as client:
        return (await send(client, 0, 0)).json()


async def _measure(
    server: Server, endpoint: str, table: dict[str, tuple[Send, tuple[int, ...], bool]], o: Options
) -> Stats:
    send, ok, warmup = table[endpoint]
    before = server.cpu_seconds()  # the warm-up beats count too: one per task
    stats = await drive(
        server.base_url,
        send,
        concurrency=o.concurrency,
        requests=o.count(endpoint),
        ok=ok,
        warmup=warmup,
        request_timeout=o.timeout,
    )
    after = server.cpu_seconds()
    if before is not None and after is not None:
        stats.server_cpu_seconds = after - before
    return stats


async def measure_lectern(
    url: URL, seeded: Seeded, options: Options, report: Report, say: Callable[[str], None]
) -> None:
    """Serve Lectern on ``url`` and measure each endpoint of ``options.only`` in turn."""
    async with serve(url, options.workers) as server:
        table = senders(seeded, options)
        for endpoint in options.only:
            stats = await _measure(server, endpoint, table, options)
            report.rows.append(Row(endpoint, "lectern", stats))
            if endpoint in FLOORED:
                sample = await _sample(server.base_url, table[endpoint][0])
                report.samples[endpoint, "lectern"] = sample
            say(f"lectern {endpoint}: {stats.rps:.0f} req/s, {stats.errors} errors")


async def run(options: Options, progress: Callable[[str], None] | None = None) -> Report:
    say = progress or (lambda _line: None)
    report = Report(options)
    async with database(options.server, options.database_url) as url:
        seeded = await seed(url, options)
        say(f"seeded {options.courses} courses, {options.students} students")
        await measure_lectern(url, seeded, options, report, say)
        floored = [endpoint for endpoint in options.only if endpoint in FLOORED]
        if options.floor and floored:
            await reset_heartbeats(url)
            async with serve(url, options.workers, "bench.floor:app", factory=False) as server:
                table = senders(seeded, options)  # fresh players: the beats start over
                for endpoint in floored:
                    stats = await _measure(server, endpoint, table, options)
                    report.rows.append(Row(endpoint, "floor", stats))
                    sample = await _sample(server.base_url, table[endpoint][0])
                    report.samples[endpoint, "floor"] = sample
                    say(f"floor {endpoint}: {stats.rps:.0f} req/s, {stats.errors} errors")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=Options.server, help="a PostgreSQL server URL")
    parser.add_argument("--database-url", default=None, help="use this empty database")
    parser.add_argument("--workers", type=int, default=Options.workers)
    parser.add_argument("--concurrency", type=int, default=Options.concurrency)
    parser.add_argument("--requests", type=int, default=Options.requests)
    parser.add_argument("--login-requests", type=int, default=0, help="default: requests / 10")
    parser.add_argument("--courses", type=int, default=Options.courses)
    parser.add_argument("--students", type=int, default=Options.students)
    parser.add_argument("--only", default=",".join(ENDPOINTS), help="comma-separated endpoints")
    parser.add_argument("--no-floor", action="store_true", help="skip the raw-asyncpg floor")
    args = parser.parse_args(argv)
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = set(only) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}; known: {ENDPOINTS}")
    options = Options(
        workers=args.workers,
        concurrency=args.concurrency,
        requests=args.requests,
        login_requests=args.login_requests,
        only=only,
        floor=not args.no_floor,
        courses=args.courses,
        students=args.students,
        server=args.server,
        database_url=args.database_url,
    )
    report = asyncio.run(run(options, progress=lambda line: print(line, file=sys.stderr)))
    print(report.table())
    if report.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
