"""Counting the SQL statements a request runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_DATA = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[list[str]]:
    """The data statements (not BEGIN / SAVEPOINT / RELEASE) run inside the block."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(_DATA):
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
