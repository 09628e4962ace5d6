"""Enrollments and lesson progress

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 15:30:02.161973
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enrollments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "enrollment_type",
            sa.Enum(
                "paid",
                "free",
                "gifted",
                "coupon",
                "admin",
                "bundle",
                "subscription",
                name="enrollment_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="paid",
            nullable=False,
        ),
        sa.Column("price_paid", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column(
            "enrolled_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("progress_percentage", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("completed_lessons", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_lessons", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_accessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "last_lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total_watch_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "completed",
                "expired",
                "refunded",
                "suspended",
                name="enrollment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="active",
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "total_watch_time >= 0", name=op.f("ck_enrollments_total_watch_time_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_enrollments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_lesson_id"],
            ["lessons.id"],
            name=op.f("fk_enrollments_last_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrollments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
        sa.UniqueConstraint("user_id", "course_id", name=op.f("uq_enrollments_user_id_course_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_enrollments_uuid")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollments_course_id_status"), ["course_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enrollments_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrollments_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enrollments_last_lesson_id"), ["last_lesson_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enrollments_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrollments_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enrollments_user_id_status"), ["user_id", "status"], unique=False
        )

    op.create_table(
        "lesson_progress",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "enrollment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("is_completed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("watch_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_percentage", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("views_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_watched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
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
        sa.CheckConstraint(
            "last_position >= 0", name=op.f("ck_lesson_progress_last_position_non_negative")
        ),
        sa.CheckConstraint(
            "watch_time >= 0", name=op.f("ck_lesson_progress_watch_time_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_lesson_progress_enrollment_id_enrollments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lesson_progress_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lesson_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_progress")),
        sa.UniqueConstraint(
            "user_id", "lesson_id", name=op.f("uq_lesson_progress_user_id_lesson_id")
        ),
    )
    with op.batch_alter_table("lesson_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_progress_enrollment_id_is_completed"),
            ["enrollment_id", "is_completed"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_lesson_progress_lesson_id"), ["lesson_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lesson_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_progress_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_lesson_progress_enrollment_id_is_completed"))

    op.drop_table("lesson_progress")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollments_user_id_status"))
        batch_op.drop_index(batch_op.f("ix_enrollments_status"))
        batch_op.drop_index(batch_op.f("ix_enrollments_order_id"))
        batch_op.drop_index(batch_op.f("ix_enrollments_last_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_enrollments_expires_at"))
        batch_op.drop_index(batch_op.f("ix_enrollments_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_enrollments_course_id_status"))

    op.drop_table("enrollments")
