"""Rules every model follows, checked over the whole metadata (no database needed)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Boolean, Enum, Float, Numeric, UniqueConstraint
from sqlalchemy.orm import configure_mappers

from lectern.kit.types import ExactDecimal
from lectern.models import Base
from tests.schema import SHARED

TABLES = list(Base.metadata.sorted_tables)
configure_mappers()


def test_there_are_the_spec_tables_plus_our_own() -> None:
    # authentication: users, refresh_tokens, one_time_tokens; commerce: idempotency_keys,
    # payment_events, refund_items, number_sequences, credit_notes; discussions:
    # discussion_reports; certificates: credential_keys, certificate_reissues;
    # announcements: announcement_recipients; mail: email_suppressions
    assert len(Base.metadata.tables) == 76 + 16


def test_every_relationship_refuses_to_lazy_load() -> None:
    eager = [
        f"{mapper.class_.__name__}.{rel.key}"
        for mapper in Base.registry.mappers
        for rel in mapper.relationships
        if rel.lazy != "raise"
    ]
    assert eager == []


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_foreign_key_column_leads_an_index(table) -> None:  # type: ignore[no-untyped-def]
    leading = {next(iter(index.columns)).name for index in table.indexes}
    leading |= {
        next(iter(c.columns)).name for c in table.constraints if isinstance(c, UniqueConstraint)
    }
    leading.add(next(iter(table.primary_key.columns)).name)
    unindexed = [fk.parent.name for fk in table.foreign_keys if fk.parent.name not in leading]
    assert unindexed == []


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_table_keeps_timestamps(table) -> None:  # type: ignore[no-untyped-def]
    assert {"created_at", "updated_at"} <= set(table.columns.keys())
    assert all(table.columns[name].type.timezone for name in ("created_at", "updated_at"))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_foreign_keys_say_what_happens_on_delete(table) -> None:  # type: ignore[no-untyped-def]
    for fk in table.foreign_keys:
        assert fk.ondelete in {"CASCADE", "SET NULL", "RESTRICT"}, fk.parent
        if fk.ondelete == "SET NULL":
            assert fk.parent.nullable, f"{fk.parent} is SET NULL but not nullable"


def test_no_column_stores_numbers_inexactly() -> None:
    inexact = [
        f"{table.name}.{column.name}"
        for table in TABLES
        for column in table.columns
        if isinstance(column.type, Float | Numeric) and not isinstance(column.type, ExactDecimal)
    ]
    assert inexact == []


def test_every_uuid_column_is_unique() -> None:
    for table in TABLES:
        if "uuid" in table.columns:
            column = table.columns["uuid"]
            assert column.unique or column.primary_key, table.name


def test_soft_deletes_are_indexed() -> None:
    for table in TABLES:
        if "deleted_at" in table.columns:
            assert table.columns["deleted_at"].index, table.name


def _constraint_sets() -> dict[tuple[str, str], tuple[str | None, set[str]]]:
    """(table, column) → (default, allowed values) from the spec's constraints.md."""
    path = SHARED / "spec" / "constraints.md"
    if not path.exists():
        pytest.skip("the spec's shared/ folder is not beside this checkout")
    found = {}
    for line in path.read_text().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 5 or not cells[3].startswith("`"):
            continue
        for part in cells[3].split("<br>"):
            match = re.fullmatch(r"`(\w+)`(?: = (\w+))?: (.+)", part.strip())
            assert match, part
            found[(cells[1], match[1])] = (match[2], set(match[3].split("/")))
    return found


def test_enumerated_columns_have_the_spec_value_sets_and_defaults() -> None:
    expected = _constraint_sets()
    assert len(expected) >= 50
    for (table_name, column_name), (default, values) in expected.items():
        column = Base.metadata.tables[table_name].columns[column_name]
        assert isinstance(column.type, Enum), f"{table_name}.{column_name}"
        assert set(column.type.enums) == values, f"{table_name}.{column_name}"
        if default is None:
            assert column.server_default is None, f"{table_name}.{column_name}"
        else:
            assert column.server_default is not None, f"{table_name}.{column_name}"
            assert column.server_default.arg == default, f"{table_name}.{column_name}"


@pytest.mark.parametrize(
    ("column", "default"),
    [
        ("instructor_profiles.commission_rate", 7000),
        ("affiliates.commission_rate", 2000),
        ("affiliates.cookie_days", 30),
        ("quizzes.max_attempts", 0),
    ],
)
def test_spec_defaults(column: str, default: int) -> None:
    table, name = column.split(".")
    server_default = Base.metadata.tables[table].columns[name].server_default
    assert server_default is not None
    assert int(str(server_default.arg)) == default


def test_booleans_have_defaults() -> None:
    missing = [
        f"{table.name}.{column.name}"
        for table in TABLES
        for column in table.columns
        if isinstance(column.type, Boolean) and column.server_default is None
    ]
    assert missing == []


# Keys beyond the spec's: each stops a race or a replay from counting something twice.
GUARD_KEYS = [
    ("quiz_attempts", {"user_id", "quiz_id", "attempt_number"}),
    ("assignment_submissions", {"assignment_id", "user_id", "submission_number"}),
    ("instructor_earnings", {"order_item_id", "instructor_id"}),
    ("coupon_usages", {"order_id", "coupon_id"}),
    ("subscription_invoices", {"subscription_id", "billing_period_start"}),
    ("affiliate_referrals", {"order_id"}),
    ("affiliates", {"user_id"}),
    ("orders", {"invoice_number"}),
]


@pytest.mark.parametrize(("table", "columns"), GUARD_KEYS, ids=[t for t, _ in GUARD_KEYS])
def test_guard_keys(table: str, columns: set[str]) -> None:
    found = Base.metadata.tables[table]
    keys = [
        {column.name for column in constraint.columns}
        for constraint in found.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    keys += [{column.name} for column in found.columns if column.unique]
    assert columns in keys
