"""Running the Alembic migrations: upgrade, rollback, fresh, status.

The migrations under ``migrations/`` are the source of truth for the schema; the
models must agree with them (a test compares the two on every database).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, inspect, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from lectern.config import database_settings
from lectern.db import async_url, create_engine
from lectern.errors import DatabaseUnavailableError
from lectern.kit.types import ExactDecimal, UTCDateTime

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _script_location() -> str:
    # A source checkout keeps migrations/ beside the package.
    location = PROJECT_ROOT / "migrations"
    if location.is_dir():
        return str(location)
    return str(resources.files("lectern").joinpath("migrations"))  # pragma: no cover


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic config for the given database (default: LECTERN_DATABASE_URL)."""
    cfg = Config()
    cfg.set_main_option("script_location", _script_location())
    cfg.set_main_option("path_separator", "os")
    target = async_url(url if url is not None else database_settings().database_url)
    cfg.attributes["url"] = target
    return cfg


def url_of(cfg: Config) -> URL:
    url = cfg.attributes.get("url")
    return url if isinstance(url, URL) else async_url(database_settings().database_url)


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render Lectern's column types as the plain types they store, so migrations stand alone."""
    if type_ == "type" and isinstance(obj, ExactDecimal):
        return "sa.BigInteger()"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, JSON) and "postgresql" in obj._variant_mapping:
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


# Full-text search objects that migration 0022 adds beside the models (they cannot be
# expressed as models): the FTS5 table of SQLite and its shadow tables, and on PostgreSQL
# the tsvector column of courses and its GIN index (the triggers and functions are not
# compared by autogenerate anyway).
SEARCH_TABLE = "courses_fts"
SEARCH_TABLES = frozenset(
    {SEARCH_TABLE}
    | {f"{SEARCH_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")}
)
SEARCH_COLUMNS = frozenset({("courses", "search_vector")})
SEARCH_INDEXES = frozenset({"ix_courses_search_vector"})


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave the full-text search objects out of the models/migrations comparison."""
    if type_ == "table":
        return name not in SEARCH_TABLES
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in SEARCH_COLUMNS
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def context_options(dialect_name: str) -> dict[str, Any]:
    """Options shared by the migration runs and the model/migration comparison."""
    return {
        "compare_type": True,
        "render_item": _render_item,
        "render_as_batch": dialect_name == "sqlite",
        "include_name": include_name,
    }


# -- running -----------------------------------------------------------------------------


def _run(action: Callable[[], None]) -> None:
    try:
        action()
    except (OperationalError, DBAPIError, OSError) as exc:
        raise DatabaseUnavailableError(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"cannot reach the database: {message[0] if message else type(exc).__name__}"


def upgrade(url: str | URL | None = None, revision: str = "head") -> None:
    cfg = alembic_config(url)
    _run(lambda: command.upgrade(cfg, revision))


def downgrade(url: str | URL | None = None, revision: str = "-1") -> None:
    cfg = alembic_config(url)
    _run(lambda: command.downgrade(cfg, revision))


def current_revision(url: str | URL | None = None) -> str | None:
    """The applied revision, or None on an empty database."""
    return asyncio.run(_current(async_url(url or database_settings().database_url)))


async def _current(url: URL) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    except (OperationalError, DBAPIError, OSError) as exc:
        raise DatabaseUnavailableError(_reason(exc)) from None
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Revision:
    revision: str
    message: str
    applied: bool


def status(url: str | URL | None = None) -> list[Revision]:
    """Every revision from the first to head, each marked applied or pending."""
    cfg = alembic_config(url)
    current = current_revision(cfg.attributes["url"])
    script = ScriptDirectory.from_config(cfg)
    ordered = list(reversed(list(script.walk_revisions("base", "heads"))))
    applied_ids: set[str] = set()
    if current is not None:
        applied_ids = {rev.revision for rev in script.iterate_revisions(current, "base")}
    return [
        Revision(rev.revision, (rev.doc or "").strip(), rev.revision in applied_ids)
        for rev in ordered
    ]


def applied_count(url: str | URL | None = None) -> int:
    return sum(1 for rev in status(url) if rev.applied)


def drop_everything(url: str | URL | None = None) -> None:
    """Drop every table (and the Alembic version table) of the database."""
    asyncio.run(_drop_everything(async_url(url or database_settings().database_url)))


async def _drop_everything(url: URL) -> None:
    engine = create_engine(url, sqlite_foreign_keys=False)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_drop_all_tables)
    except (OperationalError, DBAPIError, OSError) as exc:
        raise DatabaseUnavailableError(_reason(exc)) from None
    finally:
        await engine.dispose()


def _drop_all_tables(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # Virtual tables (FTS5) first: dropping one drops its shadow tables, while dropping
        # a shadow table first would leave a virtual table that cannot be read or reflected.
        virtual = conn.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
            )
        ).scalars()
        for name in list(virtual):
            conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    # PostgreSQL: CASCADE takes the foreign keys between tables with it. SQLite: this
    # engine runs with foreign keys off, so the order does not matter there either.
    cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
    for name in inspect(conn).get_table_names():
        conn.execute(text(f'DROP TABLE IF EXISTS "{name}"{cascade}'))
    if conn.dialect.name == "postgresql":
        # The functions of the search triggers (migration 0022) outlive their tables.
        functions = conn.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p"
                " JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = current_schema() AND NOT EXISTS ("
                "  SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            )
        ).scalars()
        for signature in list(functions):
            conn.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))


def fresh(url: str | URL | None = None) -> None:
    drop_everything(url)
    upgrade(url)


async def check_connection(engine: AsyncEngine) -> None:
    """Raise DatabaseUnavailableError unless a trivial query succeeds."""
    try:
        async with engine.connect() as conn:
            probe = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await probe.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError, OSError) as exc:
        raise DatabaseUnavailableError(_reason(exc)) from None
