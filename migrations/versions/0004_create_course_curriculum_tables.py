"""Sections, lessons, resources, video tracks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 15:30:01.856274
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "course_sections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("drip_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "drip_type",
            sa.Enum(
                "days_after_enrollment",
                "date",
                "after_section",
                name="course_section_drip_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("drip_days", sa.Integer(), nullable=True),
        sa.Column("drip_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "drip_after_section_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "duration_minutes >= 0", name=op.f("ck_course_sections_duration_minutes_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_sections_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["drip_after_section_id"],
            ["course_sections.id"],
            name=op.f("fk_course_sections_drip_after_section_id_course_sections"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sections")),
    )
    with op.batch_alter_table("course_sections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_sections_course_id_order"), ["course_id", "order"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_sections_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_sections_drip_after_section_id"),
            ["drip_after_section_id"],
            unique=False,
        )

    op.create_table(
        "lessons",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "section_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "video",
                "text",
                "audio",
                "document",
                "quiz",
                "assignment",
                "live_class",
                "embed",
                "scorm",
                name="lesson_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="video",
            nullable=False,
        ),
        sa.Column("video_url", sa.String(length=2048), nullable=True),
        sa.Column("video_provider", sa.String(length=32), nullable=True),
        sa.Column("video_id", sa.String(length=255), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), server_default="0", nullable=False),
        sa.Column("video_thumbnail", sa.String(length=2048), nullable=True),
        sa.Column(
            "video_qualities",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("audio_url", sa.String(length=2048), nullable=True),
        sa.Column("audio_duration", sa.Integer(), nullable=True),
        sa.Column("document_url", sa.String(length=2048), nullable=True),
        sa.Column("document_type", sa.String(length=100), nullable=True),
        sa.Column("embed_code", sa.Text(), nullable=True),
        sa.Column("is_free", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("is_downloadable", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_prerequisite", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_locked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("drip_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "drip_type",
            sa.Enum(
                "days_after_enrollment",
                "date",
                "after_lesson",
                name="lesson_drip_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("drip_days", sa.Integer(), nullable=True),
        sa.Column("drip_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "drip_after_lesson_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("total_views", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_completions", sa.Integer(), server_default="0", nullable=False),
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
            "audio_duration >= 0", name=op.f("ck_lessons_audio_duration_not_negative")
        ),
        sa.CheckConstraint(
            "duration_seconds >= 0", name=op.f("ck_lessons_duration_seconds_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lessons_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["drip_after_lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lessons_drip_after_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["course_sections.id"],
            name=op.f("fk_lessons_section_id_course_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
        sa.UniqueConstraint("uuid", name=op.f("uq_lessons_uuid")),
    )
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessons_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lessons_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lessons_drip_after_lesson_id"), ["drip_after_lesson_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lessons_section_id_order"), ["section_id", "order"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lessons_type"), ["type"], unique=False)

    op.create_table(
        "lesson_resources",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("file_path", sa.String(length=1024), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_type", sa.String(length=100), nullable=True),
        sa.Column("file_size", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("is_downloadable", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("download_count", sa.Integer(), server_default="0", nullable=False),
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
            "file_size >= 0", name=op.f("ck_lesson_resources_file_size_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lesson_resources_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_resources")),
    )
    with op.batch_alter_table("lesson_resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_resources_lesson_id_order"), ["lesson_id", "order"], unique=False
        )

    op.create_table(
        "video_tracks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("file_path", sa.String(length=1024), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "subtitles",
                "captions",
                "descriptions",
                name="video_track_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="subtitles",
            nullable=False,
        ),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
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
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_video_tracks_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_tracks")),
    )
    with op.batch_alter_table("video_tracks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_tracks_lesson_id"), ["lesson_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("video_tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_tracks_lesson_id"))

    op.drop_table("video_tracks")
    with op.batch_alter_table("lesson_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_resources_lesson_id_order"))

    op.drop_table("lesson_resources")
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessons_type"))
        batch_op.drop_index(batch_op.f("ix_lessons_section_id_order"))
        batch_op.drop_index(batch_op.f("ix_lessons_drip_after_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_lessons_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_lessons_course_id"))

    op.drop_table("lessons")
    with op.batch_alter_table("course_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_sections_drip_after_section_id"))
        batch_op.drop_index(batch_op.f("ix_course_sections_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_course_sections_course_id_order"))

    op.drop_table("course_sections")
