"""The `lectern` command, as an operator runs it: output, exit status, and one-line errors."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy
from sqlalchemy.engine import URL
from typer.testing import CliRunner, Result

from lectern import migrate
from lectern.cli import app
from lectern.db import create_engine
from tests.migrations.test_migrations import REVISIONS
from tests.schema import plain, tables

runner = CliRunner()


def lectern(url: URL | str, *args: str) -> Result:
    target = plain(url) if isinstance(url, URL) else url
    return runner.invoke(app, list(args), env={"LECTERN_DATABASE_URL": target, "COLUMNS": "200"})


def one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_migrate_applies_everything_then_nothing(empty_db: URL) -> None:
    result = lectern(empty_db, "db", "migrate")
    assert result.exit_code == 0, result.output
    assert f"Applied {REVISIONS} migration(s)" in result.output
    again = lectern(empty_db, "db", "migrate")
    assert again.exit_code == 0
    assert "Nothing to migrate" in again.output


def test_status_shows_applied_and_pending(empty_db: URL) -> None:
    before = lectern(empty_db, "db", "status")
    assert before.exit_code == 0, before.output
    assert f"0 applied, {REVISIONS} pending." in before.output
    migrate.upgrade(empty_db, "0003")
    after = lectern(empty_db, "db", "status")
    assert f"4 applied, {REVISIONS - 4} pending." in after.output
    assert "create_courses_table" not in after.output  # descriptions, not file names
    assert "Courses, the course-tag pivot, co-instructors" in after.output


def test_rollback_undoes_one_step_by_default_and_n_with_steps(empty_db: URL) -> None:
    migrate.upgrade(empty_db)
    one = lectern(empty_db, "db", "rollback")
    assert one.exit_code == 0, one.output
    assert migrate.applied_count(empty_db) == REVISIONS - 1
    three = lectern(empty_db, "db", "rollback", "--steps", "3")
    assert three.exit_code == 0, three.output
    assert "Rolled back 3 migration(s)" in three.output
    assert migrate.applied_count(empty_db) == REVISIONS - 4


def test_rollback_more_steps_than_applied_stops_at_the_start(empty_db: URL) -> None:
    migrate.upgrade(empty_db, "0001")
    result = lectern(empty_db, "db", "rollback", "--steps", "10")
    assert result.exit_code == 0, result.output
    assert "Rolled back 2 migration(s); 0 remain applied." in result.output
    assert tables(empty_db) == set()


def test_rollback_with_nothing_applied_is_an_error(empty_db: URL) -> None:
    one_line_error(lectern(empty_db, "db", "rollback"), "nothing to roll back")


def test_rollback_refuses_zero_steps(empty_db: URL) -> None:
    result = lectern(empty_db, "db", "rollback", "--steps", "0")
    assert result.exit_code == 2
    assert "Invalid value" in result.output


def test_fresh_drops_data_and_migrates_again(empty_db: URL) -> None:
    migrate.upgrade(empty_db)
    created = lectern(
        empty_db,
        "users",
        "create-admin",
        "--email",
        "root@example.com",
        "--password",
        "Correct-horse-9",
    )
    assert created.exit_code == 0, created.output
    result = lectern(empty_db, "db", "fresh", "--yes")
    assert result.exit_code == 0, result.output
    assert migrate.applied_count(empty_db) == REVISIONS
    # The admin is gone: creating it again succeeds.
    again = lectern(
        empty_db,
        "users",
        "create-admin",
        "--email",
        "root@example.com",
        "--password",
        "Correct-horse-9",
    )
    assert again.exit_code == 0, again.output


def test_fresh_asks_first_and_a_no_keeps_everything(empty_db: URL) -> None:
    migrate.upgrade(empty_db)
    target = plain(empty_db)
    env = {"LECTERN_DATABASE_URL": target, "COLUMNS": "200"}
    kept = runner.invoke(app, ["db", "fresh"], input="n\n", env=env)
    assert kept.exit_code == 1
    assert "Drop every table of" in kept.output
    assert "error: nothing dropped" in kept.output
    assert migrate.applied_count(empty_db) == REVISIONS
    dropped = runner.invoke(app, ["db", "fresh"], input="y\n", env=env)
    assert dropped.exit_code == 0, dropped.output
    assert "migrated" in dropped.output


def test_create_admin_and_its_errors(empty_db: URL) -> None:
    args = ("users", "create-admin", "--email", "Boss@Example.com", "--password")
    one_line_error(lectern(empty_db, *args, "Correct-horse-9"), "lectern db migrate")
    migrate.upgrade(empty_db)
    created = lectern(empty_db, *args, "Correct-horse-9", "--name", "The Boss")
    assert created.exit_code == 0, created.output
    assert "Created admin boss <boss@example.com>." in created.output
    one_line_error(lectern(empty_db, *args, "Correct-horse-9"), "already exists")
    weak = ("users", "create-admin", "--email", "other@example.com", "--password")
    one_line_error(lectern(empty_db, *weak, "short"), "at least 10 characters")
    one_line_error(lectern(empty_db, *weak, "alllowercaseletters"), "three of")
    bad_email = ("users", "create-admin", "--email", "not-an-email", "--password")
    one_line_error(lectern(empty_db, *bad_email, "Correct-horse-9"), "invalid e-mail")


def test_seed_needs_demo_and_a_migrated_database(empty_db: URL) -> None:
    one_line_error(lectern(empty_db, "db", "seed"), "--demo")
    one_line_error(lectern(empty_db, "db", "seed", "--demo"), "lectern db migrate")
    migrate.upgrade(empty_db)
    first = lectern(empty_db, "db", "seed", "--demo")
    assert first.exit_code == 0, first.output
    assert "lessons" in first.output
    second = lectern(empty_db, "db", "seed", "--demo")
    assert second.exit_code == 0, second.output
    assert "Nothing to add" in second.output


async def execute(url: URL, statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(sqlalchemy.text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


def test_the_money_audit_passes_the_demo_school_and_names_what_breaks(empty_db: URL) -> None:
    migrate.upgrade(empty_db)
    assert lectern(empty_db, "db", "seed", "--demo").exit_code == 0

    clean = lectern(empty_db, "audit", "money")
    asyncio.run(execute(empty_db, "UPDATE coupons SET used_count = used_count + 1"))
    broken = lectern(empty_db, "audit", "money")

    assert clean.exit_code == 0, clean.output
    assert "balance" in clean.output
    assert broken.exit_code == 1
    assert "coupon WELCOME10: used_count is 2, it has 1 uses" in broken.output
    assert "coupon SCHOLARSHIP: used_count is 2, it has 1 uses" in broken.output


def test_rotating_the_credential_key_retires_the_current_one(empty_db: URL) -> None:
    migrate.upgrade(empty_db)

    first = lectern(empty_db, "credentials", "rotate-key")
    second = lectern(empty_db, "credentials", "rotate-key")

    assert first.exit_code == 0, first.output
    assert "signed with key" in second.output
    kept = asyncio.run(execute(empty_db, "SELECT count(*), count(retired_at) FROM credential_keys"))
    assert kept == [(2, 1)]


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://root@localhost/lectern", "unsupported database 'mysql'"),
        ("not a url", "invalid database URL"),
        ("postgresql://postgres@127.0.0.1/", "names no database"),
        ("sqlite://", "names no file"),
    ],
)
@pytest.mark.parametrize("command", [("db", "migrate"), ("db", "status"), ("db", "rollback")])
def test_a_bad_url_is_a_one_line_error(url: str, fragment: str, command: tuple[str, ...]) -> None:
    one_line_error(lectern(url, *command), fragment)


def test_an_unreachable_database_is_a_one_line_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    one_line_error(
        lectern("postgresql://postgres@127.0.0.1:9/lectern", "db", "migrate"),
        "cannot reach the database",
    )
    one_line_error(
        lectern(f"sqlite:///{tmp_path}/missing/dir/lectern.db", "db", "status"),
        "cannot reach the database",
    )


def test_passwords_do_not_leak_into_errors() -> None:
    result = lectern("postgresql://postgres:hunter2secret@127.0.0.1:9/lectern", "db", "migrate")
    one_line_error(result, "cannot reach the database")
    assert "hunter2secret" not in result.output


def test_serve_checks_the_url_before_starting() -> None:
    one_line_error(lectern("mysql://root@localhost/x", "serve"), "unsupported database")
