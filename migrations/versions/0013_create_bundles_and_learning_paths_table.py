"""Bundles and learning paths

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 15:30:05.393828
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bundles",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "instructor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("short_description", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("thumbnail", sa.String(length=1024), nullable=True),
        sa.Column("cover_image", sa.String(length=1024), nullable=True),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("compare_price", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("total_courses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_duration_hours", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total_enrollments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rating", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.String(length=500), nullable=True),
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
            ["instructor_id"],
            ["users.id"],
            name=op.f("fk_bundles_instructor_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundles")),
        sa.UniqueConstraint("slug", name=op.f("uq_bundles_slug")),
        sa.UniqueConstraint("uuid", name=op.f("uq_bundles_uuid")),
    )
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bundles_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bundles_instructor_id"), ["instructor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bundles_is_featured"), ["is_featured"], unique=False)
        batch_op.create_index(batch_op.f("ix_bundles_is_published"), ["is_published"], unique=False)
        batch_op.create_index(batch_op.f("ix_bundles_rating"), ["rating"], unique=False)

    op.create_table(
        "learning_paths",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("short_description", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("thumbnail", sa.String(length=1024), nullable=True),
        sa.Column("cover_image", sa.String(length=1024), nullable=True),
        sa.Column(
            "difficulty",
            sa.Enum(
                "beginner",
                "intermediate",
                "advanced",
                name="learning_path_difficulty",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="beginner",
            nullable=False,
        ),
        sa.Column("estimated_hours", sa.BigInteger(), nullable=True),
        sa.Column("skill_outcome", sa.String(length=255), nullable=True),
        sa.Column("is_free", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_sequential", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("total_enrollments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("completion_rate", sa.BigInteger(), server_default="0", nullable=False),
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
            ["created_by"],
            ["users.id"],
            name=op.f("fk_learning_paths_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_paths")),
        sa.UniqueConstraint("slug", name=op.f("uq_learning_paths_slug")),
        sa.UniqueConstraint("uuid", name=op.f("uq_learning_paths_uuid")),
    )
    with op.batch_alter_table("learning_paths", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_paths_created_by"), ["created_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_paths_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_paths_difficulty"), ["difficulty"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_paths_is_featured"), ["is_featured"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_paths_is_published"), ["is_published"], unique=False
        )

    op.create_table(
        "bundle_courses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "bundle_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
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
            ["bundle_id"],
            ["bundles.id"],
            name=op.f("fk_bundle_courses_bundle_id_bundles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_bundle_courses_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_courses")),
        sa.UniqueConstraint(
            "bundle_id", "course_id", name=op.f("uq_bundle_courses_bundle_id_course_id")
        ),
    )
    with op.batch_alter_table("bundle_courses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bundle_courses_course_id"), ["course_id"], unique=False
        )

    op.create_table(
        "learning_path_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "learning_path_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "course",
                "milestone",
                "quiz",
                "project",
                name="learning_path_step_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="course",
            nullable=False,
        ),
        sa.Column("is_required", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("is_locked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "completion_requirements",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
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
            name=op.f("fk_learning_path_steps_course_id_courses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["learning_path_id"],
            ["learning_paths.id"],
            name=op.f("fk_learning_path_steps_learning_path_id_learning_paths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_path_steps")),
    )
    with op.batch_alter_table("learning_path_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_path_steps_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_path_steps_learning_path_id_order"),
            ["learning_path_id", "order"],
            unique=False,
        )

    op.create_table(
        "learning_path_enrollments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "learning_path_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("progress_percentage", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("completed_steps", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "current_step_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "enrolled_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "completed",
                "paused",
                name="learning_path_enrollment_status",
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
        sa.ForeignKeyConstraint(
            ["current_step_id"],
            ["learning_path_steps.id"],
            name=op.f("fk_learning_path_enrollments_current_step_id_learning_path_steps"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["learning_path_id"],
            ["learning_paths.id"],
            name=op.f("fk_learning_path_enrollments_learning_path_id_learning_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_path_enrollments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_path_enrollments")),
        sa.UniqueConstraint(
            "user_id",
            "learning_path_id",
            name=op.f("uq_learning_path_enrollments_user_id_learning_path_id"),
        ),
    )
    with op.batch_alter_table("learning_path_enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_path_enrollments_current_step_id"),
            ["current_step_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_learning_path_enrollments_learning_path_id"),
            ["learning_path_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_learning_path_enrollments_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("learning_path_enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_path_enrollments_status"))
        batch_op.drop_index(batch_op.f("ix_learning_path_enrollments_learning_path_id"))
        batch_op.drop_index(batch_op.f("ix_learning_path_enrollments_current_step_id"))

    op.drop_table("learning_path_enrollments")
    with op.batch_alter_table("learning_path_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_path_steps_learning_path_id_order"))
        batch_op.drop_index(batch_op.f("ix_learning_path_steps_course_id"))

    op.drop_table("learning_path_steps")
    with op.batch_alter_table("bundle_courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundle_courses_course_id"))

    op.drop_table("bundle_courses")
    with op.batch_alter_table("learning_paths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_paths_is_published"))
        batch_op.drop_index(batch_op.f("ix_learning_paths_is_featured"))
        batch_op.drop_index(batch_op.f("ix_learning_paths_difficulty"))
        batch_op.drop_index(batch_op.f("ix_learning_paths_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_learning_paths_created_by"))

    op.drop_table("learning_paths")
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundles_rating"))
        batch_op.drop_index(batch_op.f("ix_bundles_is_published"))
        batch_op.drop_index(batch_op.f("ix_bundles_is_featured"))
        batch_op.drop_index(batch_op.f("ix_bundles_instructor_id"))
        batch_op.drop_index(batch_op.f("ix_bundles_deleted_at"))

    op.drop_table("bundles")
