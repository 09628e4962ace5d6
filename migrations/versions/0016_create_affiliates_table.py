"""Affiliates, referrals, affiliate payouts

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 15:46:28.051910
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "affiliates",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("affiliate_code", sa.String(length=64), nullable=False),
        sa.Column("referral_link", sa.String(length=2048), nullable=True),
        sa.Column("commission_rate", sa.BigInteger(), server_default="2000", nullable=False),
        sa.Column("cookie_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("total_clicks", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_referrals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_conversions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_earnings", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("pending_earnings", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("paid_earnings", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "suspended",
                "rejected",
                name="affiliate_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payment_method", sa.String(length=32), nullable=True),
        sa.Column(
            "payment_details",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("minimum_payout", sa.BigInteger(), server_default="5000", nullable=False),
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_affiliates_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliates")),
        sa.UniqueConstraint("affiliate_code", name=op.f("uq_affiliates_affiliate_code")),
        sa.UniqueConstraint("user_id", name=op.f("uq_affiliates_user_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_affiliates_uuid")),
    )
    with op.batch_alter_table("affiliates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_affiliates_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_affiliates_status"), ["status"], unique=False)

    op.create_table(
        "affiliate_payouts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "affiliate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
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
                name="affiliate_payout_status",
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
            ["affiliate_id"],
            ["affiliates.id"],
            name=op.f("fk_affiliate_payouts_affiliate_id_affiliates"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["processed_by"],
            ["users.id"],
            name=op.f("fk_affiliate_payouts_processed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliate_payouts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_affiliate_payouts_uuid")),
    )
    with op.batch_alter_table("affiliate_payouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_affiliate_payouts_affiliate_id"), ["affiliate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_affiliate_payouts_processed_by"), ["processed_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_affiliate_payouts_status"), ["status"], unique=False)

    op.create_table(
        "affiliate_referrals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "affiliate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "referred_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("landing_page", sa.String(length=2048), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "clicked",
                "registered",
                "converted",
                "expired",
                name="affiliate_referral_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="clicked",
            nullable=False,
        ),
        sa.Column("order_amount", sa.BigInteger(), nullable=True),
        sa.Column("commission_amount", sa.BigInteger(), nullable=True),
        sa.Column("commission_rate", sa.BigInteger(), nullable=True),
        sa.Column(
            "clicked_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
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
            ["affiliate_id"],
            ["affiliates.id"],
            name=op.f("fk_affiliate_referrals_affiliate_id_affiliates"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_affiliate_referrals_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referred_user_id"],
            ["users.id"],
            name=op.f("fk_affiliate_referrals_referred_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliate_referrals")),
        sa.UniqueConstraint("order_id", name=op.f("uq_affiliate_referrals_order_id")),
    )
    with op.batch_alter_table("affiliate_referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_affiliate_referrals_affiliate_id_status"),
            ["affiliate_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_affiliate_referrals_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_affiliate_referrals_referred_user_id"),
            ["referred_user_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_affiliate_referrals_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("affiliate_referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_affiliate_referrals_status"))
        batch_op.drop_index(batch_op.f("ix_affiliate_referrals_referred_user_id"))
        batch_op.drop_index(batch_op.f("ix_affiliate_referrals_expires_at"))
        batch_op.drop_index(batch_op.f("ix_affiliate_referrals_affiliate_id_status"))

    op.drop_table("affiliate_referrals")
    with op.batch_alter_table("affiliate_payouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_affiliate_payouts_status"))
        batch_op.drop_index(batch_op.f("ix_affiliate_payouts_processed_by"))
        batch_op.drop_index(batch_op.f("ix_affiliate_payouts_affiliate_id"))

    op.drop_table("affiliate_payouts")
    with op.batch_alter_table("affiliates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_affiliates_status"))
        batch_op.drop_index(batch_op.f("ix_affiliates_deleted_at"))

    op.drop_table("affiliates")
