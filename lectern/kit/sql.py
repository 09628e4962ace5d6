"""Small SQL helpers shared by the domains."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def rowcount(result: Result[Any]) -> int:
    """Rows a conditional UPDATE matched (the session types its result as ``Result``)."""
    return cast(CursorResult[Any], result).rowcount


async def insert_ignore(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict: Sequence[str]
) -> bool:
    """INSERT a row unless one with the same ``conflict`` columns exists (a unique key);
    True when this call inserted it. Safe under parallel requests: the database decides."""
    table = model.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    return rowcount(await session.execute(statement)) == 1
