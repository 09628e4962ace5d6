"""Small SQL helpers shared by the domains."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, Result, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

# The escape character of the patterns ``contains`` makes: pass it as LIKE's ``escape``.
LIKE_ESCAPE = "\\"


def contains(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, its own ``%``, ``_`` and ``\\`` taken
    literally (with ``escape=LIKE_ESCAPE``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def rowcount(result: Result[Any]) -> int:
    """Rows a conditional UPDATE matched (the session types its result as ``Result``)."""
    return cast(CursorResult[Any], result).rowcount


def dialect_insert(model: type[Any], dialect: str) -> Any:
    """An INSERT into ``model``'s table that can say ON CONFLICT, on either database.

    The table, not the mapped class: executed with parameters, an ORM insert would be a
    bulk insert."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(model.__table__)


async def insert_ignore(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict: Sequence[str]
) -> bool:
    """INSERT a row unless one with the same ``conflict`` columns exists (a unique key);
    True when this call inserted it. Safe under parallel requests: the database decides."""
    statement = dialect_insert(model, session.get_bind().dialect.name).values(**values)
    statement = statement.on_conflict_do_nothing(index_elements=conflict)
    return rowcount(await session.execute(statement)) == 1


def period_of(column: Any, by: Literal["day", "month"], dialect: str) -> Any:
    """The UTC day ("2026-12-06") or month ("2026-12") of a timestamp column, as text, on
    either database: reports group by it."""
    if dialect == "postgresql":
        pattern = "YYYY-MM-DD" if by == "day" else "YYYY-MM"
        return func.to_char(func.timezone("UTC", column), pattern)
    return func.strftime("%Y-%m-%d" if by == "day" else "%Y-%m", column)
