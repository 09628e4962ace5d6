"""Notifications, preferences, announcements, reads

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 15:30:06.336411
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email_course_updates", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("email_new_lessons", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("email_announcements", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("email_promotions", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("email_qa_replies", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("email_review_replies", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "email_assignment_feedback", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
        sa.Column(
            "email_certificate_issued", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
        sa.Column("push_course_updates", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("push_new_lessons", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("push_announcements", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("push_promotions", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("push_qa_replies", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "instructor_new_enrollments", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
        sa.Column("instructor_new_reviews", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "instructor_new_questions", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
        sa.Column(
            "instructor_payout_updates", sa.Boolean(), server_default=sa.true(), nullable=False
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
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", name=op.f("uq_notification_preferences_user_id")),
    )
    op.create_table(
        "notifications",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("icon", sa.String(length=255), nullable=True),
        sa.Column("icon_color", sa.String(length=32), nullable=True),
        sa.Column("action_url", sa.String(length=2048), nullable=True),
        sa.Column("action_text", sa.String(length=100), nullable=True),
        sa.Column("notifiable_type", sa.String(length=50), nullable=True),
        sa.Column(
            "notifiable_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
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
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_notifiable_type_notifiable_id"),
            ["notifiable_type", "notifiable_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_notifications_type"), ["type"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_user_id_read_at"), ["user_id", "read_at"], unique=False
        )

    op.create_table(
        "announcements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "info",
                "warning",
                "success",
                "danger",
                name="announcement_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="info",
            nullable=False,
        ),
        sa.Column(
            "audience",
            sa.Enum(
                "all",
                "enrolled",
                "specific",
                name="announcement_audience",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="enrolled",
            nullable=False,
        ),
        sa.Column("is_pinned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("send_email", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("send_push", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("views_count", sa.Integer(), server_default="0", nullable=False),
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
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_announcements_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_announcements_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
        sa.UniqueConstraint("uuid", name=op.f("uq_announcements_uuid")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcements_course_id_published_at"),
            ["course_id", "published_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_announcements_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_announcements_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_announcements_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_announcements_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_announcements_user_id"), ["user_id"], unique=False)

    op.create_table(
        "announcement_reads",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "announcement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
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
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_reads_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_announcement_reads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_reads")),
        sa.UniqueConstraint(
            "announcement_id", "user_id", name=op.f("uq_announcement_reads_announcement_id_user_id")
        ),
    )
    with op.batch_alter_table("announcement_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcement_reads_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("announcement_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_reads_user_id"))

    op.drop_table("announcement_reads")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_user_id"))
        batch_op.drop_index(batch_op.f("ix_announcements_type"))
        batch_op.drop_index(batch_op.f("ix_announcements_published_at"))
        batch_op.drop_index(batch_op.f("ix_announcements_expires_at"))
        batch_op.drop_index(batch_op.f("ix_announcements_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_announcements_course_id_published_at"))

    op.drop_table("announcements")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id_read_at"))
        batch_op.drop_index(batch_op.f("ix_notifications_type"))
        batch_op.drop_index(batch_op.f("ix_notifications_notifiable_type_notifiable_id"))

    op.drop_table("notifications")
    op.drop_table("notification_preferences")
