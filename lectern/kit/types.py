"""Column types that behave the same on PostgreSQL and SQLite.

Money and other exact decimals are stored as scaled integers: SQLite keeps NUMERIC
as a binary float, so a NUMERIC column would lose cents there. An integer column is
exact on both databases, sums exactly in SQL and sorts correctly. Python always sees
``Decimal`` values quantized to the column's scale.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Enum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal with a fixed number of places, stored as an integer of its smallest unit."""

    impl = BigInteger
    cache_ok = True
    scale = 2

    def __init__(self, scale: int | None = None) -> None:
        super().__init__()
        if scale is not None:
            self.scale = scale
        self._unit = Decimal(1).scaleb(-self.scale)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("exact decimals do not accept floats; pass a Decimal or a string")
        exact = Decimal(value).quantize(self._unit, rounding=ROUND_HALF_UP)
        return int(exact.scaleb(self.scale))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # Exact: an integer scaled down has the column's places already (19 digits at most,
        # well inside the context's precision).
        return Decimal(int(value)).scaleb(-self.scale)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class Money(ExactDecimal):
    """An amount of money with two decimal places (the currency is a separate column)."""

    cache_ok = True


class Percent(ExactDecimal):
    """A percentage such as a commission rate or a progress, two decimal places (12.50)."""

    cache_ok = True


class Score(ExactDecimal):
    """A score, rating or point value with two decimal places (4.75 stars, 7.50 points)."""

    cache_ok = True


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, always UTC when read back (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; pass an aware datetime")
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        # asyncpg reads a timestamptz as a datetime in UTC already: no call per value.
        if dialect.driver == "asyncpg":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value if value.tzinfo is UTC else value.astimezone(UTC)


# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONType: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


def enum_type(enum_cls: type[enum.StrEnum], name: str | None = None) -> Enum:
    """A VARCHAR with a CHECK constraint holding the enum's values.

    Not a native PostgreSQL enum: adding a value later is a plain constraint change,
    and the column behaves the same on SQLite.
    """
    return Enum(
        enum_cls,
        name=name or _snake(enum_cls.__name__),
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def utcnow() -> datetime:
    return datetime.now(UTC)
