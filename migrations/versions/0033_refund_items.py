"""refund_items: the order items each refund pays back

Revision ID: 0033
Revises: 0032
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "refund_items",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("refund_id", BigId, nullable=False),
        sa.Column("order_item_id", BigId, nullable=False),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["refunds.id"],
            name="fk_refund_items_refund_id_refunds",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name="fk_refund_items_order_item_id_order_items",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_refund_items"),
        sa.UniqueConstraint(
            "refund_id", "order_item_id", name="uq_refund_items_refund_id_order_item_id"
        ),
    )
    op.create_index("ix_refund_items_order_item_id", "refund_items", ["order_item_id"])


def downgrade() -> None:
    op.drop_index("ix_refund_items_order_item_id", table_name="refund_items")
    op.drop_table("refund_items")
