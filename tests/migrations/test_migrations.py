"""The migrations build the spec's schema, agree with the models, and run back and forth."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import uuid
from types import SimpleNamespace
from typing import Any, cast

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import migrate
from lectern.db import create_engine, session_factory
from lectern.models import Base, Course, Enrollment, LessonProgress, User
from tests import factories
from tests.factories import PASSWORD_HASH
from tests.schema import (
    SEARCH_OBJECTS,
    SHARED,
    differences,
    foreign_keys,
    plain,
    schema_check_module,
    search_objects,
    tables,
)

# users and auth, the spec's steps 1-20, 21: the deferred foreign keys, 22: course search,
# then changes that add no table (23 on)
REVISIONS = 46
TABLE_STEPS = 21  # 0000-0020 each add tables


def test_head_builds_every_table_of_the_models(migrated_db: URL) -> None:
    assert tables(migrated_db) == set(Base.metadata.tables)


def test_head_has_every_spec_table_column_and_unique_key(migrated_db: URL) -> None:
    checker = schema_check_module()
    if checker is None:
        pytest.skip("the spec's shared/ folder is not beside this checkout")
    target = (
        migrated_db.database if migrated_db.get_backend_name() == "sqlite" else plain(migrated_db)
    )
    have, have_keys = checker.db_schema(target)
    spec = checker.spec_tables()
    missing = [
        f"{table}.{col if isinstance(col, str) else col[0]}"
        for table, cols in spec.items()
        for col in cols
        if not any(
            name in have.get(table, set()) for name in ((col,) if isinstance(col, str) else col)
        )
    ]
    assert missing == []
    wanted = json.loads((SHARED / "spec" / "unique-keys.json").read_text())
    missing_keys = [
        (table, key)
        for table, keys in wanted.items()
        for key in keys
        if frozenset(key) not in have_keys.get(table, set())
    ]
    assert missing_keys == []
    assert len(spec) == 76


def test_models_and_migrations_agree(migrated_db: URL) -> None:
    assert differences(migrated_db) == []


def test_every_step_rolls_back_and_the_schema_migrates_again(empty_db: URL) -> None:
    migrate.upgrade(empty_db)
    seen = [tables(empty_db)]
    for applied in range(REVISIONS, 0, -1):
        assert migrate.applied_count(empty_db) == applied
        migrate.downgrade(empty_db, "-1")
        seen.append(tables(empty_db))
    assert migrate.current_revision(empty_db) is None
    assert seen[-1] == set()
    # Each step that adds tables removes them (the later ones change what is there: foreign
    # keys, search objects, columns, keys, indexes); none removes another's.
    for later, earlier in itertools.pairwise(seen[REVISIONS - TABLE_STEPS :]):
        assert earlier < later
    migrate.upgrade(empty_db)
    assert tables(empty_db) == set(Base.metadata.tables)
    assert differences(empty_db) == []


def test_the_search_step_adds_and_removes_its_objects(empty_db: URL) -> None:
    wanted = SEARCH_OBJECTS[empty_db.get_backend_name()]
    migrate.upgrade(empty_db)
    assert search_objects(empty_db) == wanted
    migrate.downgrade(empty_db, "0021")
    assert search_objects(empty_db) == set()
    migrate.upgrade(empty_db)
    assert search_objects(empty_db) == wanted


def test_drop_everything_leaves_nothing_behind(empty_db: URL) -> None:
    migrate.fresh(empty_db)
    migrate.drop_everything(empty_db)
    assert tables(empty_db) == set()
    assert search_objects(empty_db) == set()
    migrate.fresh(empty_db)
    assert search_objects(empty_db) == SEARCH_OBJECTS[empty_db.get_backend_name()]


def test_status_lists_every_revision_in_order(empty_db: URL) -> None:
    revisions = migrate.status(empty_db)
    assert [rev.revision for rev in revisions] == [f"{n:04d}" for n in range(REVISIONS)]
    assert not any(rev.applied for rev in revisions)
    migrate.upgrade(empty_db, "0005")
    assert [rev.applied for rev in migrate.status(empty_db)] == [n <= 5 for n in range(REVISIONS)]


@pytest.mark.parametrize(
    ("table", "column", "referred"),
    [
        ("enrollments", "order_id", "orders"),
        ("discussions", "best_answer_id", "discussion_replies"),
        ("order_items", "bundle_id", "bundles"),
    ],
)
def test_deferred_foreign_keys_exist_at_head(
    migrated_db: URL, table: str, column: str, referred: str
) -> None:
    keys = {
        (tuple(fk["constrained_columns"]), fk["referred_table"], fk["options"].get("ondelete"))
        for fk in foreign_keys(migrated_db, table)
    }
    assert ((column,), referred, "SET NULL") in keys


async def _user(session: AsyncSession, name: str) -> Any:
    """A user row written with a Core insert (the columns of revision 0000 only)."""
    table = User.__table__
    inserted = await session.execute(
        insert(table)
        .values(name=name, username=name, email=f"{name}@example.test", password_hash=PASSWORD_HASH)
        .returning(table.c.id)
    )
    return SimpleNamespace(id=inserted.scalar_one())


async def _old_course(session: AsyncSession, instructor_id: int, **values: Any) -> int:
    """A course in a database an earlier step left: a Core insert naming only the columns it
    sets (the ORM's would name the columns later steps add)."""
    n = uuid.uuid4()
    statement = insert(Course.__table__).values(
        uuid=n, instructor_id=instructor_id, title="Old", slug=f"old-{n.hex[:8]}", **values
    )
    return int((await session.execute(statement.returning(Course.__table__.c.id))).scalar_one())


def test_adding_the_deferred_keys_keeps_existing_rows(empty_db: URL) -> None:
    """Step 21 rebuilds tables on SQLite; their rows and their children's rows survive."""
    migrate.upgrade(empty_db, "0020")

    async def write() -> None:
        engine = create_engine(empty_db)
        async with session_factory(engine)() as session:
            # Core inserts name only the columns they set: the model has columns that later
            # steps add.
            student, teacher = await _user(session, "student"), await _user(session, "teacher")
            course_id = await _old_course(session, teacher.id)
            course = cast(Course, SimpleNamespace(id=course_id, price=None))
            section = await factories.create_section(session, course)
            lesson = await factories.create_lesson(session, section)
            enrollment = await factories.create_enrollment(session, student, course)
            # Plain SQL: the model has columns that later steps add.
            await session.execute(
                text(
                    "INSERT INTO lesson_progress (user_id, lesson_id, enrollment_id)"
                    " VALUES (:user, :lesson, :enrollment)"
                ),
                {"user": student.id, "lesson": lesson.id, "enrollment": enrollment.id},
            )
            await session.commit()
        await engine.dispose()

    async def count() -> tuple[int, int]:
        engine = create_engine(empty_db)
        async with session_factory(engine)() as session:
            enrollments = len((await session.scalars(select(Enrollment))).all())
            progress = len((await session.scalars(select(LessonProgress.id))).all())
        await engine.dispose()
        return enrollments, progress

    asyncio.run(write())
    migrate.upgrade(empty_db)
    assert asyncio.run(count()) == (1, 1)


def test_rich_text_stored_before_is_sanitised(empty_db: URL) -> None:
    """Step 28 cleans what the rich-text fields held before they were sanitised on write."""
    migrate.upgrade(empty_db, "0027")
    hostile = '<p onclick="x()">Hi <b>you</b><script>alert(1)</script></p>'

    async def write() -> None:
        engine = create_engine(empty_db)
        async with session_factory(engine)() as session:
            teacher = await _user(session, "teacher")
            await _old_course(session, teacher.id, description=hostile)
            await _old_course(session, teacher.id, description="No markup at all")
            await session.commit()
        await engine.dispose()

    async def descriptions() -> list[str | None]:
        engine = create_engine(empty_db)
        async with session_factory(engine)() as session:
            rows = await session.scalars(select(Course.description).order_by(Course.id))
            found = list(rows)
        await engine.dispose()
        return found

    asyncio.run(write())
    migrate.upgrade(empty_db)
    assert asyncio.run(descriptions()) == ["<p>Hi <b>you</b></p>", "No markup at all"]


def test_sqlite_foreign_keys_are_enforced_at_run_time(migrated_db: URL) -> None:
    if migrated_db.get_backend_name() != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")

    async def pragma() -> int:
        engine = create_engine(migrated_db)
        async with engine.connect() as conn:
            value = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
        await engine.dispose()
        return int(value)

    assert asyncio.run(pragma()) == 1


def test_test_database_matches_the_requested_backend(migrated_db: URL) -> None:
    wanted = os.environ.get("LECTERN_TEST_DATABASE_URL", "sqlite://")
    assert migrated_db.get_backend_name() == (
        "postgresql" if wanted.startswith("postgres") else "sqlite"
    )
