"""Courses, the course-tag pivot, co-instructors

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 15:30:01.594365
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "instructor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "category_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "subcategory_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("subtitle", sa.String(length=255), nullable=True),
        sa.Column("short_description", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "requirements", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "what_you_learn",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "target_audience",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("thumbnail", sa.String(length=1024), nullable=True),
        sa.Column("cover_image", sa.String(length=1024), nullable=True),
        sa.Column("promo_video", sa.String(length=2048), nullable=True),
        sa.Column("promo_video_type", sa.String(length=32), nullable=True),
        sa.Column(
            "price_type",
            sa.Enum(
                "free",
                "paid",
                "subscription",
                name="course_price_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="free",
            nullable=False,
        ),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("compare_price", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "beginner",
                "intermediate",
                "advanced",
                "all_levels",
                name="course_level",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="all_levels",
            nullable=False,
        ),
        sa.Column("language", sa.String(length=12), server_default="en", nullable=False),
        sa.Column(
            "captions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("duration_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_lectures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_sections", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_resources", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_approved", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_bestseller", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_trending", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_new", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("drip_content", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("has_certificate", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("allow_qa", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("allow_reviews", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("allow_discussions", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "access_type",
            sa.Enum(
                "lifetime",
                "limited",
                "subscription",
                name="course_access_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="lifetime",
            nullable=False,
        ),
        sa.Column("access_days", sa.Integer(), nullable=True),
        sa.Column("rating", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total_reviews", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_enrollments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_views", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_wishlist", sa.Integer(), server_default="0", nullable=False),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.String(length=500), nullable=True),
        sa.Column("meta_keywords", sa.String(length=500), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "pending_review",
                "published",
                "unpublished",
                "rejected",
                name="course_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
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
            "price_type <> 'paid' OR price IS NOT NULL", name=op.f("ck_courses_paid_has_price")
        ),
        sa.CheckConstraint(
            "duration_minutes >= 0", name=op.f("ck_courses_duration_minutes_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_courses_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instructor_id"],
            ["users.id"],
            name=op.f("fk_courses_instructor_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["subcategory_id"],
            ["categories.id"],
            name=op.f("fk_courses_subcategory_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("slug", name=op.f("uq_courses_slug")),
        sa.UniqueConstraint("uuid", name=op.f("uq_courses_uuid")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_courses_instructor_id"), ["instructor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_courses_is_featured"), ["is_featured"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_is_published"), ["is_published"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_price_type"), ["price_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_rating"), ["rating"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_courses_status_published_at"), ["status", "published_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_courses_subcategory_id"), ["subcategory_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_courses_total_enrollments"), ["total_enrollments"], unique=False
        )

    op.create_table(
        "course_instructors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "instructor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("revenue_share", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "primary",
                "co_instructor",
                "assistant",
                name="course_instructor_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="co_instructor",
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
            name=op.f("fk_course_instructors_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instructor_id"],
            ["users.id"],
            name=op.f("fk_course_instructors_instructor_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_instructors")),
        sa.UniqueConstraint(
            "course_id", "instructor_id", name=op.f("uq_course_instructors_course_id_instructor_id")
        ),
    )
    with op.batch_alter_table("course_instructors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_instructors_instructor_id"), ["instructor_id"], unique=False
        )

    op.create_table(
        "course_tag",
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("tag_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
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
            name=op.f("fk_course_tag_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_course_tag_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("course_id", "tag_id", name=op.f("pk_course_tag")),
    )
    with op.batch_alter_table("course_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_tag_tag_id"), ["tag_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("course_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_tag_tag_id"))

    op.drop_table("course_tag")
    with op.batch_alter_table("course_instructors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_instructors_instructor_id"))

    op.drop_table("course_instructors")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_total_enrollments"))
        batch_op.drop_index(batch_op.f("ix_courses_subcategory_id"))
        batch_op.drop_index(batch_op.f("ix_courses_status_published_at"))
        batch_op.drop_index(batch_op.f("ix_courses_rating"))
        batch_op.drop_index(batch_op.f("ix_courses_published_at"))
        batch_op.drop_index(batch_op.f("ix_courses_price_type"))
        batch_op.drop_index(batch_op.f("ix_courses_level"))
        batch_op.drop_index(batch_op.f("ix_courses_language"))
        batch_op.drop_index(batch_op.f("ix_courses_is_published"))
        batch_op.drop_index(batch_op.f("ix_courses_is_featured"))
        batch_op.drop_index(batch_op.f("ix_courses_instructor_id"))
        batch_op.drop_index(batch_op.f("ix_courses_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_courses_category_id"))

    op.drop_table("courses")
