"""number_sequences (gapless document numbers per series and year) and credit_notes

Revision ID: 0034
Revises: 0033
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            name,
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        )
        for name in ("created_at", "updated_at")
    ]


def upgrade() -> None:
    op.create_table(
        "number_sequences",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_number_sequences"),
        sa.UniqueConstraint("series", "year", name="uq_number_sequences_series_year"),
    )
    op.create_table(
        "credit_notes",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("refund_id", BigId, nullable=False),
        sa.Column("order_id", BigId, nullable=False),
        sa.Column("invoice_number", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf_path", sa.String(length=1024), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["refunds.id"],
            name="fk_credit_notes_refund_id_refunds",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_credit_notes_order_id_orders", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_credit_notes"),
        sa.UniqueConstraint("uuid", name="uq_credit_notes_uuid"),
        sa.UniqueConstraint("number", name="uq_credit_notes_number"),
        sa.UniqueConstraint("refund_id", name="uq_credit_notes_refund_id"),
    )
    op.create_index("ix_credit_notes_order_id", "credit_notes", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_credit_notes_order_id", table_name="credit_notes")
    op.drop_table("credit_notes")
    op.drop_table("number_sequences")
