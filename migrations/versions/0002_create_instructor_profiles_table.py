"""Instructor profiles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 15:30:01.399087
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instructor_profiles",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("headline", sa.String(length=255), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("short_bio", sa.String(length=500), nullable=True),
        sa.Column(
            "expertise", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "social_links", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("rating", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total_reviews", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_students", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_courses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("commission_rate", sa.BigInteger(), server_default="7000", nullable=False),
        sa.Column("total_earnings", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("pending_earnings", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "suspended",
                name="instructor_profile_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column(
            "certifications",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "achievements", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_instructor_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instructor_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_instructor_profiles_user_id")),
    )
    with op.batch_alter_table("instructor_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instructor_profiles_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_instructor_profiles_rating"), ["rating"], unique=False)
        batch_op.create_index(batch_op.f("ix_instructor_profiles_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("instructor_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_profiles_status"))
        batch_op.drop_index(batch_op.f("ix_instructor_profiles_rating"))
        batch_op.drop_index(batch_op.f("ix_instructor_profiles_deleted_at"))

    op.drop_table("instructor_profiles")
