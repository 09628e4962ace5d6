"""Instructor payouts, earnings, payout methods

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 15:46:30.342259
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instructor_payouts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "instructor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("total_orders", sa.Integer(), server_default="0", nullable=False),
        sa.Column("gross_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("platform_fee", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("tax_withheld", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("net_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("payment_method", sa.String(length=32), nullable=True),
        sa.Column(
            "payment_details",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("transaction_id", sa.String(length=255), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "processing",
                "completed",
                "failed",
                "cancelled",
                name="instructor_payout_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "processed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
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
            ["instructor_id"],
            ["users.id"],
            name=op.f("fk_instructor_payouts_instructor_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["processed_by"],
            ["users.id"],
            name=op.f("fk_instructor_payouts_processed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instructor_payouts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_instructor_payouts_uuid")),
    )
    with op.batch_alter_table("instructor_payouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instructor_payouts_instructor_id"), ["instructor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_instructor_payouts_processed_by"), ["processed_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_instructor_payouts_status"), ["status"], unique=False)

    op.create_table(
        "payout_methods",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "paypal",
                "bank_transfer",
                "stripe",
                "wise",
                "payoneer",
                name="payout_method_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="paypal",
            nullable=False,
        ),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("paypal_email", sa.String(length=255), nullable=True),
        sa.Column("bank_name", sa.String(length=255), nullable=True),
        sa.Column("bank_account_name", sa.String(length=255), nullable=True),
        sa.Column("bank_account_number", sa.String(length=64), nullable=True),
        sa.Column("bank_routing_number", sa.String(length=64), nullable=True),
        sa.Column("bank_swift_code", sa.String(length=32), nullable=True),
        sa.Column("bank_iban", sa.String(length=64), nullable=True),
        sa.Column("bank_country", sa.String(length=2), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_verified", sa.Boolean(), server_default=sa.false(), nullable=False),
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
            ["user_id"],
            ["users.id"],
            name=op.f("fk_payout_methods_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_methods")),
    )
    with op.batch_alter_table("payout_methods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payout_methods_user_id"), ["user_id"], unique=False)

    op.create_table(
        "instructor_earnings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "instructor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "order_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("commission_rate", sa.BigInteger(), nullable=False),
        sa.Column("instructor_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("platform_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("payout_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "cleared",
                "paid",
                "refunded",
                name="instructor_earning_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="pending",
            nullable=False,
        ),
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
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_instructor_earnings_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["instructor_id"],
            ["users.id"],
            name=op.f("fk_instructor_earnings_instructor_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_instructor_earnings_order_id_orders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_instructor_earnings_order_item_id_order_items"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"],
            ["instructor_payouts.id"],
            name=op.f("fk_instructor_earnings_payout_id_instructor_payouts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instructor_earnings")),
        sa.UniqueConstraint(
            "order_item_id",
            "instructor_id",
            name=op.f("uq_instructor_earnings_order_item_id_instructor_id"),
        ),
    )
    with op.batch_alter_table("instructor_earnings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instructor_earnings_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_instructor_earnings_instructor_id_status"),
            ["instructor_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_instructor_earnings_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_instructor_earnings_payout_id"), ["payout_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_instructor_earnings_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("instructor_earnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_earnings_status"))
        batch_op.drop_index(batch_op.f("ix_instructor_earnings_payout_id"))
        batch_op.drop_index(batch_op.f("ix_instructor_earnings_order_id"))
        batch_op.drop_index(batch_op.f("ix_instructor_earnings_instructor_id_status"))
        batch_op.drop_index(batch_op.f("ix_instructor_earnings_course_id"))

    op.drop_table("instructor_earnings")
    with op.batch_alter_table("payout_methods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_methods_user_id"))

    op.drop_table("payout_methods")
    with op.batch_alter_table("instructor_payouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_payouts_status"))
        batch_op.drop_index(batch_op.f("ix_instructor_payouts_processed_by"))
        batch_op.drop_index(batch_op.f("ix_instructor_payouts_instructor_id"))

    op.drop_table("instructor_payouts")
