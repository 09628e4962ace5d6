"""Reading a database's schema back, for the migration tests."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Connection

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
        return list(compare_metadata(context, Base.metadata))

    return _on(url, read)


def tables(url: URL) -> set[str]:
    return set(_on(url, lambda conn: inspect(conn).get_table_names())) - {"alembic_version"}


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
