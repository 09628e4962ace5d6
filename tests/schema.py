"""Reading a database's schema back, for the migration tests."""

from __future__ import annotations

import asyncio
import importlib.util
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SAWarning

from lectern import migrate
from lectern.db import create_engine
from lectern.models import Base

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _on(url: URL, read: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def differences(url: URL) -> list[Any]:
    """What autogenerate would change to make the database match the models."""

    def read(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(
            conn,
            opts={"target_metadata": Base.metadata, **migrate.context_options(conn.dialect.name)},
        )
        with warnings.catch_warnings():
            # SQLite cannot reflect an index on an expression (ix_courses_price_order):
            # that one index is compared on PostgreSQL only.
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
            )
            warnings.filterwarnings(
                "ignore", "autogenerate skipping metadata-specified expression-based index"
            )
            return list(compare_metadata(context, Base.metadata))

    return _on(url, read)


def tables(url: URL) -> set[str]:
    """The tables of the models found in the database (not the full-text search objects)."""
    names = set(_on(url, lambda conn: inspect(conn).get_table_names()))
    return names - {"alembic_version"} - migrate.SEARCH_TABLES


def search_objects(url: URL) -> set[str]:
    """The full-text search objects of migration 0022 present in the database."""

    def read(conn: Connection) -> set[str]:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT type || ':' || name FROM sqlite_master WHERE name LIKE 'courses_fts%'")
            )
            return set(rows.scalars())
        rows = conn.execute(
            text(
                "SELECT 'column:' || column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = 'courses'"
                " AND column_name = 'search_vector'"
                " UNION ALL SELECT 'index:' || indexname FROM pg_indexes"
                " WHERE schemaname = current_schema() AND indexname = 'ix_courses_search_vector'"
                " UNION ALL SELECT 'trigger:' || tgname FROM pg_trigger"
                " WHERE tgname LIKE 'courses_search%'"
                " UNION ALL SELECT 'function:' || proname FROM pg_proc"
                " WHERE proname LIKE 'courses_search%'"
            )
        )
        return set(rows.scalars())

    return _on(url, read)


SEARCH_OBJECTS = {
    "sqlite": {
        "table:courses_fts",
        *(f"table:courses_fts_{s}" for s in ("data", "idx", "content", "docsize", "config")),
        *(
            f"trigger:courses_fts_{t}"
            for t in ("insert", "update", "delete", "tag_added", "tag_removed", "tag_renamed")
        ),
    },
    "postgresql": {
        "column:search_vector",
        "index:ix_courses_search_vector",
        "trigger:courses_search_course",
        "trigger:courses_search_course_tag",
        "trigger:courses_search_tag",
        "function:courses_search_document",
        "function:courses_search_tags",
        "function:courses_search_on_course",
        "function:courses_search_on_course_tag",
        "function:courses_search_on_tag",
    },
}


def foreign_keys(url: URL, table: str) -> list[dict[str, Any]]:
    return _on(url, lambda conn: inspect(conn).get_foreign_keys(table))


def schema_check_module() -> ModuleType | None:
    """The spec's own checker (shared/tools/schema_check.py), when the checkout has it."""
    path = SHARED / "tools" / "schema_check.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("schema_check", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain(url: URL) -> str:
    return url.render_as_string(hide_password=False)
