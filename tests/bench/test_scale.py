"""The scale data generator (lectern.seed.scale, bench/scale.py, `lectern db seed --scale`):
a tiny platform in a throwaway database, its row counts and its counters consistent."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from lectern import migrate
from lectern.curriculum.totals import refresh_totals
from lectern.db import create_engine, session_factory
from lectern.seed.scale import Plan, generate
from tests.cli.test_commands import lectern, one_line_error
from tests.dbs import Databases
from tests.invariants import broken

# defer_constraints: the big sizes' way of loading, foreign keys and indexes dropped and
# added back (PostgreSQL).
TINY = Plan(
    users=50, courses=5, enrollments=120, progress=1_000, chunk=16, seed=7, defer_constraints=True
)


async def _scalars(url: URL, queries: dict[str, str]) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return {name: await conn.scalar(text(sql)) for name, sql in queries.items()}
    finally:
        await engine.dispose()


COUNTS = {
    table: f"SELECT count(*) FROM {table}"
    for table in (
        "users", "instructor_profiles", "courses", "lessons", "enrollments", "lesson_progress",
        "reviews", "orders", "order_items", "course_tag",
    )
}  # fmt: skip

# Rules of the generated platform beyond the invariants every database keeps
# (tests/invariants.py): each is a count of rows that break it, all must be 0.
BROKEN = {
    "completed_status": """SELECT count(*) FROM enrollments WHERE
        (completed_lessons = total_lessons) <> (status = 'completed')""",
    "progress_of_own_course": """SELECT count(*) FROM lesson_progress p
        JOIN enrollments e ON e.id = p.enrollment_id JOIN lessons l ON l.id = p.lesson_id
        WHERE l.course_id <> e.course_id OR p.user_id <> e.user_id""",
    "paid_without_order": """SELECT count(*) FROM enrollments e JOIN courses c
        ON c.id = e.course_id WHERE (c.price_type = 'paid') <> (e.order_id IS NOT NULL)""",
    "unapproved_instructor": """SELECT count(*) FROM courses c LEFT JOIN instructor_profiles p
        ON p.user_id = c.instructor_id WHERE p.status IS NULL OR p.status <> 'approved'
        OR NOT c.is_published OR NOT c.is_approved OR c.status <> 'published'""",
}


# The totals Lectern itself recomputes after a curriculum change.
RECOUNTED = (
    "SELECT id, total_lessons, completed_lessons, progress_percentage, status, completed_at"
    " FROM enrollments ORDER BY id",
    "SELECT id, total_lectures, total_sections, duration_minutes FROM courses ORDER BY id",
    "SELECT id, duration_minutes FROM course_sections ORDER BY id",
)


async def _recounted_by_lectern(url: URL) -> tuple[list[Any], list[Any]]:
    """The rows of RECOUNTED as generated, and after ``refresh_totals`` of every course
    (rolled back)."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            before = [(await session.execute(text(sql))).all() for sql in RECOUNTED]
            for course_id in (await session.scalars(text("SELECT id FROM courses"))).all():
                await refresh_totals(session, course_id)
            after = [(await session.execute(text(sql))).all() for sql in RECOUNTED]
            await session.rollback()
    finally:
        await engine.dispose()
    return before, after


async def _broken_invariants(url: URL) -> dict[str, list[int]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await broken(conn)
    finally:
        await engine.dispose()


SCHEMA = {
    "constraints": "SELECT string_agg(conrelid::regclass::text || ' ' || conname::text || ' '"
    " || pg_get_constraintdef(oid), ';' ORDER BY conrelid::regclass::text, conname)"
    " FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
    "indexes": "SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes"
    " WHERE schemaname = 'public'",
    "triggers": "SELECT string_agg(tgname::text || tgenabled::text, ';' ORDER BY tgname)"
    " FROM pg_trigger WHERE NOT tgisinternal",
}


def test_a_tiny_platform_is_complete_and_consistent(empty_db: URL) -> None:
    migrate.upgrade(empty_db)
    postgres = empty_db.get_backend_name() == "postgresql"
    schema = asyncio.run(_scalars(empty_db, SCHEMA)) if postgres else None
    report = asyncio.run(generate(empty_db, TINY))
    if postgres:  # every foreign key, index and trigger is back as the migrations made it
        assert asyncio.run(_scalars(empty_db, SCHEMA)) == schema
        assert report.rebuild_seconds > 0
    counts = asyncio.run(_scalars(empty_db, COUNTS))
    assert counts["users"] == 50
    assert counts["instructor_profiles"] == TINY.instructors == 1
    assert counts["courses"] == 5
    assert counts["course_tag"] == 15
    assert counts["enrollments"] == 120
    assert 30 <= counts["lessons"] <= 5 * 50
    assert counts["lesson_progress"] > 100
    assert counts["orders"] == counts["order_items"]
    assert {name: stats.rows for name, stats in report.tables.items()}["lesson_progress"] == (
        counts["lesson_progress"]
    )
    assert asyncio.run(_scalars(empty_db, BROKEN)) == dict.fromkeys(BROKEN, 0)
    assert asyncio.run(_broken_invariants(empty_db)) == {}
    before, after = asyncio.run(_recounted_by_lectern(empty_db))
    assert before == after
    assert report.total_seconds > 0
    assert "lesson_progress" in report.markdown()


FINGERPRINT = {
    "lessons": "SELECT count(*) || ':' || sum(duration_seconds) FROM lessons",
    "progress": "SELECT count(*) || ':' || sum(watch_time) FROM lesson_progress",
    "pairs": "SELECT sum(user_id * 7 + course_id) FROM enrollments",
    "uuids": "SELECT uuid FROM courses ORDER BY id LIMIT 1",
}


def test_the_same_seed_gives_the_same_platform_and_runs_add_up(
    empty_db: URL, databases: Databases
) -> None:
    """Same seed, same database state: the same rows. A second run into the same database
    adds a second platform (ids, uuids, slugs and e-mails do not collide)."""
    small = Plan(users=20, courses=3, enrollments=40, progress=200, seed=3)
    other = databases.new()
    for url in (empty_db, other):
        migrate.upgrade(url)
        asyncio.run(generate(url, small))
    assert asyncio.run(_scalars(empty_db, FINGERPRINT)) == asyncio.run(_scalars(other, FINGERPRINT))
    asyncio.run(generate(empty_db, small))
    counts = asyncio.run(_scalars(empty_db, COUNTS))
    assert counts["users"] == 40
    assert counts["enrollments"] == 80
    assert asyncio.run(_scalars(empty_db, BROKEN)) == dict.fromkeys(BROKEN, 0)
    assert asyncio.run(_broken_invariants(empty_db)) == {}


def test_the_cli_needs_a_known_size_and_a_migrated_database(empty_db: URL) -> None:
    one_line_error(lectern(empty_db, "db", "seed", "--scale", "huge"), "small")
    one_line_error(lectern(empty_db, "db", "seed", "--scale", "small"), "lectern db migrate")
