"""Assignments and submissions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 15:46:21.646784
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("total_points", sa.BigInteger(), server_default="10000", nullable=False),
        sa.Column("passing_points", sa.BigInteger(), server_default="7000", nullable=False),
        sa.Column("due_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("allow_late_submission", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("late_submission_penalty", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("max_file_size", sa.Integer(), server_default="10", nullable=False),
        sa.Column(
            "allowed_file_types",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("max_submissions", sa.Integer(), server_default="1", nullable=False),
        sa.Column("is_required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "attachments", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
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
            "max_file_size >= 0", name=op.f("ck_assignments_max_file_size_non_negative")
        ),
        sa.CheckConstraint(
            "max_submissions >= 0", name=op.f("ck_assignments_max_submissions_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_assignments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_assignments_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_assignments_uuid")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_course_id_order"), ["course_id", "order"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignments_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_due_date"), ["due_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assignments_is_published"), ["is_published"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignments_lesson_id"), ["lesson_id"], unique=False)

    op.create_table(
        "assignment_submissions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "assignment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "enrollment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("submission_number", sa.Integer(), server_default="1", nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("files", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "grading",
                "graded",
                "returned",
                "resubmit",
                name="assignment_submission_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("points_earned", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("is_late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("late_penalty_applied", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column(
            "inline_comments",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("graded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
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
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_submissions_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_assignment_submissions_enrollment_id_enrollments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["graded_by"],
            ["users.id"],
            name=op.f("fk_assignment_submissions_graded_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assignment_submissions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_submissions")),
        sa.UniqueConstraint(
            "assignment_id",
            "user_id",
            "submission_number",
            name=op.f("uq_assignment_submissions_assignment_id_user_id_submission_number"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_assignment_submissions_uuid")),
    )
    with op.batch_alter_table("assignment_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_submissions_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_submissions_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_submissions_graded_by"), ["graded_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_submissions_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_submissions_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_submissions_user_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_submissions_status"))
        batch_op.drop_index(batch_op.f("ix_assignment_submissions_graded_by"))
        batch_op.drop_index(batch_op.f("ix_assignment_submissions_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_submissions_deleted_at"))

    op.drop_table("assignment_submissions")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_is_published"))
        batch_op.drop_index(batch_op.f("ix_assignments_due_date"))
        batch_op.drop_index(batch_op.f("ix_assignments_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_assignments_course_id_order"))

    op.drop_table("assignments")
