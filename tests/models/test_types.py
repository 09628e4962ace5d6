"""The column types read back what Lectern wrote: exact decimals with the column's places,
timestamps in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Dialect, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.prebuilt import Prebuilt
from lectern.kit.types import ExactDecimal, UTCDateTime

DIALECTS: list[Dialect] = [postgresql.dialect(), sqlite.dialect()]  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize(
    ("scale", "written", "read"),
    [
        (2, "0", "0.00"),
        (2, "19.99", "19.99"),
        (2, "-0.05", "-0.05"),
        (2, "12.345", "12.35"),  # rounded half up on the way in
        (2, "92233720368547758.07", "92233720368547758.07"),  # the largest BIGINT
        (3, "1.5", "1.500"),
        (0, "1500", "1500"),
    ],
)
def test_exact_decimals_read_back_with_the_columns_places(
    dialect: Dialect, scale: int, written: str, read: str
) -> None:
    column = ExactDecimal(scale)
    stored = column.process_bind_param(Decimal(written), dialect)
    assert isinstance(stored, int)
    value = column.process_result_value(stored, dialect)
    assert str(value) == read
    assert value is not None
    assert value.as_tuple().exponent == -scale


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_timestamps_read_back_in_utc(dialect: Dialect) -> None:
    column = UTCDateTime()
    instant = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)
    paris = instant.astimezone(timezone(timedelta(hours=1)))
    for stored in (instant, paris, instant.replace(tzinfo=None)):
        value = column.process_result_value(stored, dialect)
        assert value == instant
        assert value is not None
        assert value.tzinfo is UTC
    assert column.process_result_value(None, dialect) is None


async def test_timestamps_read_back_from_the_database_in_utc(session: AsyncSession) -> None:
    """On PostgreSQL the driver reads them in UTC itself (the type leaves its values as they
    come); through the ORM and as a prebuilt statement alike."""
    instant = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)
    paris = instant.astimezone(timezone(timedelta(hours=1)))
    statement = select(bindparam("at", type_=UTCDateTime()).label("at"))
    read = [
        (await session.execute(statement, {"at": paris})).scalar_one(),
        await Prebuilt(statement).scalar(session, at=paris),
    ]
    for value in read:
        assert value == instant
        assert value.tzinfo is UTC
