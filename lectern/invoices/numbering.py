"""Gapless document numbers: INV-2026-000001, CN-2026-000001.

The next number of a series and year is one statement (an upsert that adds one and returns
it), in the transaction that issues the document: the row stays locked until that commits,
so numbers are taken one at a time, and a transaction that rolls back gives its number back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.sql import dialect_insert
from lectern.kit.types import utcnow
from lectern.models import NumberSequence


async def next_number(session: AsyncSession, series: str, year: int) -> str:
    table = NumberSequence.__table__
    now = utcnow()
    statement = (
        dialect_insert(NumberSequence, session.get_bind().dialect.name)
        .values(series=series, year=year, last_number=1, created_at=now, updated_at=now)
        .on_conflict_do_update(
            index_elements=["series", "year"],
            set_={"last_number": table.c.last_number + 1, "updated_at": now},
        )
        .returning(table.c.last_number)
    )
    number = (await session.execute(statement)).scalar_one()
    return f"{series}-{year}-{number:06d}"
