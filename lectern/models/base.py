"""The declarative base, the constraint naming convention and the shared mixins."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    MetaData,
    Uuid,
    false,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from lectern.kit.types import ExactDecimal, Money, Percent, Score, UTCDateTime, enum_type, utcnow

# Stable constraint names: migrations can drop and alter them by name on any database.
NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

# 64-bit keys on PostgreSQL; SQLite only auto-increments a column typed exactly INTEGER.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, sort_order=-10)


class UuidMixin:
    """A public identifier: URLs address the row by it, never by its sequential id."""

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4, sort_order=-9)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp(), sort_order=100
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime,
        default=utcnow,
        onupdate=utcnow,
        server_default=func.current_timestamp(),
        sort_order=100,
    )


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True, sort_order=101)


def fk(
    target: str,
    *,
    ondelete: str,
    nullable: bool = False,
    index: bool = True,
    **kwargs: Any,
) -> MappedColumn[Any]:
    """A foreign-key column with an explicit on-delete rule and, by default, an index.

    ``index=False`` is only for a column that already leads a unique key or composite
    index of its table.
    """
    return mapped_column(
        BigId,
        ForeignKey(target, ondelete=ondelete),
        nullable=nullable,
        index=index,
        **kwargs,
    )


def flag(default: bool = False, **kwargs: Any) -> MappedColumn[bool]:
    """A non-null boolean with the same default in Python and in the database."""
    return mapped_column(
        Boolean, default=default, server_default=true() if default else false(), **kwargs
    )


def counter(**kwargs: Any) -> MappedColumn[int]:
    """A non-null integer statistic starting at 0 (changed with atomic SQL updates)."""
    return mapped_column(Integer, default=0, server_default="0", **kwargs)


def choice(
    enum_cls: type[enum.StrEnum],
    default: enum.StrEnum | None = None,
    *,
    nullable: bool = False,
    **kwargs: Any,
) -> MappedColumn[Any]:
    """An enumerated column restricted to ``enum_cls``'s values by a CHECK constraint."""
    if default is not None:
        kwargs.setdefault("default", default)
        kwargs.setdefault("server_default", default.value)
    return mapped_column(enum_type(enum_cls), nullable=nullable, **kwargs)


def _exact(
    type_: ExactDecimal, default: str | None, nullable: bool, **kwargs: Any
) -> MappedColumn[Any]:
    if default is not None:
        kwargs.setdefault("default", Decimal(default))
        kwargs.setdefault("server_default", str(type_.process_bind_param(default, None)))  # type: ignore[arg-type]
    return mapped_column(type_, nullable=nullable, **kwargs)


def money(default: str | None = "0", *, nullable: bool = False, **kwargs: Any) -> MappedColumn[Any]:
    """An exact amount of money (two decimal places); ``default=None`` for no default."""
    return _exact(Money(), default, nullable, **kwargs)


def percent(
    default: str | None = "0", *, nullable: bool = False, **kwargs: Any
) -> MappedColumn[Any]:
    """An exact percentage with two decimal places (``"70"`` is 70.00 %)."""
    return _exact(Percent(), default, nullable, **kwargs)


def score(default: str | None = "0", *, nullable: bool = False, **kwargs: Any) -> MappedColumn[Any]:
    """An exact rating, score or point value with two decimal places (4.75)."""
    return _exact(Score(), default, nullable, **kwargs)
