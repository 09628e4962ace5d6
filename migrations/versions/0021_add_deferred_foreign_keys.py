"""Deferred foreign keys: enrollments → orders, discussions → best reply, order items → bundles

These point at tables that later steps create, so their columns came first and the
constraints come now. SQLite cannot add a constraint in place: batch mode rebuilds
those three tables (with foreign-key enforcement off, see env.py).

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, referenced table): each becomes ON DELETE SET NULL, since the row
# outlives what it points at (an enrollment its order, a thread its best answer...).
DEFERRED = (
    ("enrollments", "order_id", "orders"),
    ("discussions", "best_answer_id", "discussion_replies"),
    ("order_items", "bundle_id", "bundles"),
)


def upgrade() -> None:
    for table, column, referred in DEFERRED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_{column}_{referred}"),
                referred,
                [column],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    for table, column, referred in reversed(DEFERRED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_{column}_{referred}"), type_="foreignkey"
            )
