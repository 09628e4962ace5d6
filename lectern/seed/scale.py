"""Scale data: a whole platform of a given size, generated quickly with bulk inserts.

``generate(url, plan)`` fills a migrated database with users (students, approved
instructors, an admin), categories, tags, published courses with curricula (sections and
lessons of mixed types), enrollments with their ``lesson_progress``, reviews, and an order
with one item for every enrollment in a paid course. Sizes (``Plan.preset``):

- large: 100,000 users, 10,000 courses (~300,000 lessons), 1,000,000 enrollments,
  ~10,000,000 lesson_progress rows, ~100,000 reviews, an order per paid enrollment;
- medium: a tenth of that; small: a hundredth.

How: rows are made in Python in chunks (a chunk of courses with their curricula, then a
chunk of students with their enrollments, orders, progress and reviews) with ids assigned
here (after the tables' current maximum), so no row is read back. PostgreSQL loads them
with COPY (asyncpg ``copy_records_to_table``), SQLite with ``executemany``. Counters are
consistent: the curriculum totals and each enrollment's totals (lessons, completed
lessons, percentage, watch time, last lesson, status) are computed while generating; the
course, instructor and lesson counters that aggregate enrollments, reviews and progress
are set afterwards with a few set-based UPDATEs. On PostgreSQL the per-row full-text
trigger on ``course_tag`` is disabled during the load (one UPDATE per tag link otherwise)
and the search documents are rebuilt with one UPDATE at the end; from 10,000 enrollments
on, the foreign keys and plain indexes of the big tables are dropped for the load and
added back after it (``drop_for_load``), in the same transaction.

Deterministic: the same plan and seed give the same rows into the same starting state
(timestamps are relative to a fixed date; only the ``created_at``/``updated_at`` defaults
vary). Every user's password
is ``SCALE_PASSWORD``; e-mails are ``u<id>@scale.test``.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from lectern.db import async_url
from lectern.security.passwords import hash_now
from lectern.seed.bulk import (
    BULK_THRESHOLD,
    COUNTERS,
    PG_SEARCH_REFRESH,
    SEQUENCED,
    Loader,
    Report,
    drop_for_load,
)

SCALE_PASSWORD = "scale-Password-1"  # noqa: S105 - a published test password
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
LANGUAGES = ("en", "en", "en", "es", "fr", "de", "pt", "ja")
LEVELS = ("beginner", "intermediate", "advanced", "all_levels")
PRICES = (1999, 2999, 4999, 8999, 12999, 19999)  # cents
WORDS = (  # noqa: SIM905 - a sentence reads better than a list
    "python data web design machine learning cloud security finance marketing music "
    "photography writing drawing statistics excel javascript rust go kubernetes docker "
    "leadership negotiation spanish french guitar piano yoga cooking chemistry physics "
    "algebra calculus history philosophy economics accounting sql react vue testing"
).split()
# lesson type, share: video lessons dominate.
LESSON_TYPES = (("video", 70), ("text", 15), ("audio", 5), ("document", 5), ("embed", 5))

SIZES: dict[str, float] = {"small": 0.01, "medium": 0.1, "large": 1.0}


@dataclass(frozen=True)
class Plan:
    users: int = 1_000
    courses: int = 100
    enrollments: int = 10_000
    progress: int = 100_000  # lesson_progress rows (approximate)
    lessons_per_course: int = 30  # average
    reviews_per_enrollment: float = 0.1
    paid_share: float = 0.7  # courses with a price
    seed: int = 1
    chunk: int = 2_000  # students (or courses) per chunk
    # PostgreSQL: drop the big tables' foreign keys and plain indexes during the load
    # (None: when there are at least BULK_THRESHOLD enrollments).
    defer_constraints: bool | None = None

    @classmethod
    def preset(cls, size: str, **overrides: Any) -> Plan:
        factor = SIZES[size]
        plan = cls(
            users=round(100_000 * factor),
            courses=round(10_000 * factor),
            enrollments=round(1_000_000 * factor),
            progress=round(10_000_000 * factor),
        )
        return replace(plan, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def custom(cls, users: int, **overrides: Any) -> Plan:
        """A plan around ``users``: the other numbers in the large size's proportions."""
        courses = overrides.get("courses") or max(1, users // 10)
        enrollments = overrides.get("enrollments") or users * 10
        progress = overrides.get("progress") or enrollments * 10
        rest = {k: v for k, v in overrides.items() if v is not None}
        rest.update(courses=courses, enrollments=enrollments, progress=progress)
        return replace(cls(users=users), **rest)

    @property
    def instructors(self) -> int:
        return max(1, min(self.users // 4, self.courses // 5 or 1))


# -- the generator -----------------------------------------------------------------------


@dataclass
class _Course:
    id: int
    instructor_id: int
    title: str
    price: int | None  # cents; None: free
    first_lesson: int  # lesson ids are consecutive, in curriculum order
    seconds: list[int]  # each lesson's running time (watch time when finished)


class Generator:
    def __init__(self, plan: Plan, loader: Loader) -> None:
        self.plan = plan
        self.loader = loader
        self.rng = random.Random(plan.seed)  # noqa: S311 - test data, not secrets
        self.report = loader.report
        self.password_hash = ""
        self.next_id: dict[str, int] = {}
        self.courses: list[_Course] = []
        self.students: list[int] = []
        self.instructors: list[int] = []

    # helpers
    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _ids(self, table: str, count: int) -> range:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return range(first, first + count)

    def _ago(self, days: float) -> datetime:
        return EPOCH - timedelta(seconds=int(days * 86400))

    async def _load(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        await self.loader.load(table, columns, rows)

    def _timed(self, started: float) -> None:
        self.report.generate_seconds += time.perf_counter() - started

    async def run(self) -> None:
        self.password_hash = hash_now(SCALE_PASSWORD)
        conn = self.loader.conn
        for table in (
            "users",
            "instructor_profiles",
            "categories",
            "tags",
            "courses",
            "course_sections",
            "lessons",
            "enrollments",
            "lesson_progress",
            "reviews",
            "orders",
            "order_items",
        ):
            top = await conn.scalar(text(f"SELECT max(id) FROM {table}"))  # noqa: S608
            self.next_id[table] = int(top or 0) + 1
        # Deterministic for a given seed and starting point; a second run into the same
        # database makes other uuids.
        self.rng.seed(f"{self.plan.seed}:{self.next_id['users']}")
        await self._users()
        categories, tags = await self._catalog()
        await self._courses(categories, tags)
        await self._enrollments()

    async def _users(self) -> None:
        plan = self.plan
        started = time.perf_counter()
        ids = self._ids("users", plan.users)
        admin = ids[0]
        self.instructors = list(ids[1 : 1 + plan.instructors])
        self.students = list(ids[1 + plan.instructors :])
        teachers = set(self.instructors)
        columns = (
            "id", "uuid", "name", "username", "email", "password_hash", "role", "status",
            "email_verified_at", "language", "timezone",
        )  # fmt: skip
        rows = []
        for user_id in ids:
            role = (
                "admin" if user_id == admin else "instructor" if user_id in teachers else "student"
            )
            rows.append(
                (
                    user_id, self._uuid(), f"Scale User {user_id}", f"u{user_id}",
                    f"u{user_id}@scale.test", self.password_hash, role, "active",
                    self._ago(self.rng.uniform(30, 730)), "en", "UTC",
                )
            )  # fmt: skip
        self._timed(started)
        for chunk in _chunks(rows, 10_000):
            await self._load("users", columns, chunk)
        started = time.perf_counter()
        profile_ids = self._ids("instructor_profiles", len(self.instructors))
        profiles = [
            (pid, uid, f"Teaches {self.rng.choice(WORDS)}", "approved", 7000)
            for pid, uid in zip(profile_ids, self.instructors, strict=True)
        ]
        self._timed(started)
        await self._load(
            "instructor_profiles",
            ("id", "user_id", "headline", "status", "commission_rate"),
            profiles,
        )

    async def _catalog(self) -> tuple[list[tuple[int, int | None]], list[int]]:
        """Twelve top categories with four subcategories each, and up to 300 tags."""
        rows: list[tuple[Any, ...]] = []
        pairs: list[tuple[int, int | None]] = []  # (category, subcategory)
        for top in range(12):
            (top_id,) = self._ids("categories", 1)
            rows.append((top_id, None, f"Category {top_id}", f"scale-cat-{top_id}", top))
            for sub in range(4):
                (sub_id,) = self._ids("categories", 1)
                rows.append((sub_id, top_id, f"Category {sub_id}", f"scale-cat-{sub_id}", sub))
                pairs.append((top_id, sub_id))
        await self._load("categories", ("id", "parent_id", "name", "slug", "order"), rows)
        count = min(300, max(3, self.plan.courses * 3))
        tag_ids = list(self._ids("tags", count))
        tags = [
            (tag_id, f"{WORDS[tag_id % len(WORDS)]} {tag_id}", f"scale-tag-{tag_id}")
            for tag_id in tag_ids
        ]
        await self._load("tags", ("id", "name", "slug"), tags)
        return pairs, tag_ids

    async def _courses(self, categories: list[tuple[int, int | None]], tags: list[int]) -> None:
        plan, rng = self.plan, self.rng
        course_columns = (
            "id", "uuid", "instructor_id", "category_id", "subcategory_id", "title", "slug",
            "subtitle", "short_description", "description", "price_type", "price", "currency",
            "level", "language", "duration_minutes", "total_lectures", "total_sections",
            "is_published", "is_approved", "is_new", "status", "submitted_at", "approved_at",
            "published_at",
        )  # fmt: skip
        section_columns = ("id", "course_id", "title", "order", "duration_minutes")
        lesson_columns = (
            "id", "uuid", "course_id", "section_id", "title", "order", "type", "video_url",
            "duration_seconds", "audio_url", "audio_duration", "document_url", "content",
            "embed_code", "is_free",
        )  # fmt: skip
        kinds = [kind for kind, _ in LESSON_TYPES]
        weights = list(itertools.accumulate(share for _, share in LESSON_TYPES))
        low, high = max(1, plan.lessons_per_course // 3), plan.lessons_per_course * 5 // 3
        for block in _chunks(list(range(plan.courses)), 500):
            started = time.perf_counter()
            courses, sections, lessons, links = [], [], [], []
            for n in block:
                course_id = self._ids("courses", 1)[0]
                topic = [rng.choice(WORDS) for _ in range(3)]
                title = f"{' '.join(topic).title()} {n + 1}"
                paid = rng.random() < plan.paid_share
                price = rng.choice(PRICES) if paid else None
                count = rng.randint(low, max(low, high))
                first = self.next_id["lessons"]
                seconds: list[int] = []
                lesson_ids = self._ids("lessons", count)
                per_section = rng.randint(3, 8)
                section_count = math.ceil(count / per_section)
                section_ids = self._ids("course_sections", section_count)
                for s, section_id in enumerate(section_ids):
                    section_seconds = 0
                    for order, lesson_id in enumerate(
                        lesson_ids[s * per_section : (s + 1) * per_section]
                    ):
                        kind = kinds[bisect.bisect_left(weights, rng.random() * weights[-1])]
                        video = rng.randint(120, 1500) if kind == "video" else 0
                        audio = rng.randint(300, 1800) if kind == "audio" else None
                        running = video or (audio or 0)
                        seconds.append(running)
                        section_seconds += running
                        lessons.append(
                            (
                                lesson_id, self._uuid(), course_id, section_id,
                                f"Lesson {order + 1}: {rng.choice(WORDS)}", order, kind,
                                f"https://video.example/{lesson_id}.mp4" if video else None,
                                video,
                                f"https://audio.example/{lesson_id}.mp3" if audio else None,
                                audio,
                                f"https://docs.example/{lesson_id}.pdf"
                                if kind == "document" else None,
                                f"Reading for lesson {lesson_id}." if kind == "text" else None,
                                f'<iframe src="https://embed.example/{lesson_id}"></iframe>'
                                if kind == "embed" else None,
                                lesson_id == first,
                            )
                        )  # fmt: skip
                    sections.append(
                        (section_id, course_id, f"Part {s + 1}", s, (section_seconds + 59) // 60)
                    )
                category, subcategory = rng.choice(categories)
                published = self._ago(rng.uniform(1, 700))
                courses.append(
                    (
                        course_id, self._uuid(), rng.choice(self.instructors), category,
                        subcategory, title, f"scale-course-{course_id}",
                        f"Learn {topic[0]} and {topic[1]}", f"A course on {' '.join(topic)}.",
                        f"Everything about {topic[0]}, {topic[1]} and {topic[2]}.",
                        "paid" if paid else "free", price, "USD", rng.choice(LEVELS),
                        rng.choice(LANGUAGES), (sum(seconds) + 59) // 60, count, section_count,
                        True, True, published > EPOCH - timedelta(days=30), "published",
                        published - timedelta(days=2), published, published,
                    )
                )  # fmt: skip
                for tag_id in rng.sample(tags, min(3, len(tags))):
                    links.append((course_id, tag_id))
                self.courses.append(
                    _Course(course_id, courses[-1][2], title, price, first, seconds)
                )
            self._timed(started)
            await self._load("courses", course_columns, courses)
            await self._load("course_sections", section_columns, sections)
            for chunk in _chunks(lessons, 20_000):
                await self._load("lessons", lesson_columns, chunk)
            await self._load("course_tag", ("course_id", "tag_id"), links)

    async def _enrollments(self) -> None:
        plan, rng = self.plan, self.rng
        if not self.students or not self.courses:
            return
        # Popularity: a few courses draw most learners (Zipf-like weights).
        order = list(range(len(self.courses)))
        rng.shuffle(order)
        cumulative = list(itertools.accumulate(1.0 / (rank + 5) ** 0.9 for rank in order))
        total_weight = cumulative[-1]
        per_student = plan.enrollments / len(self.students)
        # Progress: a share of learners finish everything, the others stop early.
        target = plan.progress / max(1, plan.enrollments)
        average = plan.lessons_per_course
        finish_share = min(0.12, target / average / 2)
        reach = max(0.0, (target - finish_share * average) / (1 - finish_share))
        enrollment_columns = (
            "id", "uuid", "user_id", "course_id", "order_id", "enrollment_type", "price_paid",
            "currency", "enrolled_at", "progress_percentage", "completed_lessons",
            "total_lessons", "last_accessed_at", "last_lesson_id", "completed_at",
            "total_watch_time", "status",
        )  # fmt: skip
        progress_columns = (
            "user_id", "lesson_id", "enrollment_id", "is_completed", "completed_at",
            "watch_time", "last_position", "progress_percentage", "views_count",
            "last_watched_at",
        )  # fmt: skip
        review_columns = (
            "user_id", "course_id", "enrollment_id", "rating", "title", "content", "status",
            "is_verified_purchase", "moderated_at",
        )  # fmt: skip
        order_columns = (
            "id", "uuid", "order_number", "user_id", "subtotal", "total", "currency", "status",
            "payment_status", "payment_method", "payment_gateway", "paid_at", "billing_email",
        )  # fmt: skip
        item_columns = (
            "order_id", "course_id", "instructor_id", "course_title", "price", "final_price",
            "instructor_share", "platform_share",
        )  # fmt: skip
        remaining = plan.enrollments
        for block_number, block in enumerate(_chunks(self.students, plan.chunk)):
            started = time.perf_counter()
            enrollments: list[tuple[Any, ...]] = []
            progress: list[tuple[Any, ...]] = []
            reviews: list[tuple[Any, ...]] = []
            orders: list[tuple[Any, ...]] = []
            items: list[tuple[Any, ...]] = []
            for index, student in enumerate(block):
                done = block_number * plan.chunk + index
                # Spread the enrollments exactly over the students.
                wanted = round((done + 1) * per_student) - round(done * per_student)
                wanted = min(wanted, remaining, len(self.courses))
                remaining -= wanted
                picked: set[int] = set()
                if wanted * 2 > len(self.courses):
                    picked = set(rng.sample(range(len(self.courses)), wanted))
                while len(picked) < wanted:
                    point = rng.random() * total_weight
                    picked.add(min(bisect.bisect_left(cumulative, point), len(order) - 1))
                for position in sorted(picked):
                    course = self.courses[position]
                    (enrollment_id,) = self._ids("enrollments", 1)
                    enrolled = self._ago(rng.uniform(1, 365))
                    order_id = None
                    if course.price is not None:
                        (order_id,) = self._ids("orders", 1)
                        share = course.price * 70 // 100
                        orders.append(
                            (
                                order_id, self._uuid(), f"SC-{order_id:010d}", student,
                                course.price, course.price, "USD", "completed", "paid", "card",
                                "stripe", enrolled, f"u{student}@scale.test",
                            )
                        )  # fmt: skip
                        items.append(
                            (
                                order_id, course.id, course.instructor_id, course.title,
                                course.price, course.price, share, course.price - share,
                            )
                        )  # fmt: skip
                    total = len(course.seconds)
                    if rng.random() < finish_share:
                        reached = total
                    else:
                        reached = min(total, rng.randint(0, round(2 * reach)))
                    finished = total if reached == total else max(0, reached - 1)
                    watch_total = 0
                    moment = enrolled
                    for k in range(reached):
                        running = course.seconds[k]
                        moment = moment + timedelta(minutes=rng.randint(5, 3000))
                        if k < finished:
                            watched = running
                            progress.append(
                                (
                                    student, course.first_lesson + k, enrollment_id, True,
                                    moment, watched, watched, 10000, rng.randint(1, 3), moment,
                                )
                            )  # fmt: skip
                        else:
                            watched = rng.randint(0, running) if running else 0
                            share_done = watched * 10000 // running if running else 0
                            progress.append(
                                (
                                    student, course.first_lesson + k, enrollment_id, False,
                                    None, watched, watched, share_done, 1, moment,
                                )
                            )  # fmt: skip
                        watch_total += watched
                    complete = total > 0 and finished == total
                    enrollments.append(
                        (
                            enrollment_id, self._uuid(), student, course.id, order_id,
                            "paid" if order_id else "free", course.price or 0, "USD", enrolled,
                            finished * 10000 // total if total else 0, finished, total,
                            moment if reached else None,
                            course.first_lesson + reached - 1 if reached else None,
                            moment if complete else None, watch_total,
                            "completed" if complete else "active",
                        )
                    )  # fmt: skip
                    if reached and rng.random() < plan.reviews_per_enrollment * (
                        1.0 if reached > 2 else 0.3
                    ):
                        stars = rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 12, 35, 46))[0]
                        reviews.append(
                            (
                                student, course.id, enrollment_id, stars * 100,
                                f"{stars} stars", f"Review of {course.title}.", "approved",
                                order_id is not None, moment,
                            )
                        )  # fmt: skip
            self._timed(started)
            await self._load("orders", order_columns, orders)
            await self._load("order_items", item_columns, items)
            await self._load("enrollments", enrollment_columns, enrollments)
            for chunk in _chunks(progress, 50_000):
                await self._load("lesson_progress", progress_columns, chunk)
            await self._load("reviews", review_columns, reviews)


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def generate(
    url: str | URL, plan: Plan, progress: Callable[[str], None] | None = None
) -> Report:
    """Fill the migrated database at ``url`` with the platform ``plan`` describes (one
    transaction) and return the timings."""
    say = progress or (lambda _message: None)
    report = Report()
    started = time.perf_counter()
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                await conn.exec_driver_sql(
                    "ALTER TABLE course_tag DISABLE TRIGGER courses_search_course_tag"
                )
            deferred: list[str] = []
            defer = plan.defer_constraints
            if defer is None:
                defer = plan.enrollments >= BULK_THRESHOLD
            if postgres and defer:
                deferred = await drop_for_load(conn)
            generator = Generator(plan, Loader(conn, report))
            say("generating rows")
            await generator.run()
            if deferred:
                say("rebuilding indexes and foreign keys")
                rebuilt = time.perf_counter()
                for statement in deferred:
                    await conn.exec_driver_sql(statement)
                report.rebuild_seconds = time.perf_counter() - rebuilt
            say("updating counters")
            counted = time.perf_counter()
            for statement in COUNTERS:
                await conn.execute(text(statement))
            if postgres:
                await conn.exec_driver_sql(
                    "ALTER TABLE course_tag ENABLE TRIGGER courses_search_course_tag"
                )
                await conn.exec_driver_sql(PG_SEARCH_REFRESH)
                for table in SEQUENCED:
                    await conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
            report.counters_seconds = time.perf_counter() - counted
        if postgres:
            # Every table, once the load is committed: statistics (without them the planner
            # guesses one row for a table and may scan it: seen with course_sections in the
            # dashboard) and the visibility map; otherwise autovacuum does it at some later
            # moment, taking a core from whatever runs then (the benchmarks).
            say("vacuuming")
            vacuumed = time.perf_counter()
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.exec_driver_sql("VACUUM (ANALYZE)")
            report.vacuum_seconds = time.perf_counter() - vacuumed
    finally:
        await engine.dispose()
    report.total_seconds = time.perf_counter() - started
    return report
