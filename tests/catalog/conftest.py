"""Fixtures of the catalog tests: counting the SQL statements a request runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    """The SELECT/INSERT/UPDATE/DELETE/WITH statements run from now on (not SAVEPOINTs)."""
    counter = QueryCounter()
    data = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in data:
            counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", before)
