"""Settings, pages, FAQs, media, activity logs, course views, support

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 15:30:08.935202
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "group",
            sa.Enum(
                "general",
                "email",
                "payment",
                "seo",
                name="setting_group",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="general",
            nullable=False,
        ),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column(
            "type",
            sa.Enum(
                "string",
                "integer",
                "boolean",
                "json",
                "file",
                name="setting_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="string",
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_public", sa.Boolean(), server_default=sa.false(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
        sa.UniqueConstraint("key", name=op.f("uq_settings_key")),
    )
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settings_group"), ["group"], unique=False)

    op.create_table(
        "activity_logs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("log_name", sa.String(length=100), nullable=True),
        sa.Column("event", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.String(length=100), nullable=True),
        sa.Column(
            "subject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("causer_type", sa.String(length=100), nullable=True),
        sa.Column("causer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "properties", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
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
            name=op.f("fk_activity_logs_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_logs")),
    )
    with op.batch_alter_table("activity_logs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_logs_causer_type_causer_id"),
            ["causer_type", "causer_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_activity_logs_event"), ["event"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_activity_logs_log_name_created_at"),
            ["log_name", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_activity_logs_subject_type_subject_id"),
            ["subject_type", "subject_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_activity_logs_user_id"), ["user_id"], unique=False)

    op.create_table(
        "media",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_path", sa.String(length=1024), nullable=False),
        sa.Column("disk", sa.String(length=32), server_default="local", nullable=False),
        sa.Column("mime_type", sa.String(length=255), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "image",
                "video",
                "audio",
                "document",
                "other",
                name="media_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="other",
            nullable=False,
        ),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column(
            "conversions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("alt_text", sa.String(length=500), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
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
        sa.CheckConstraint("duration >= 0", name=op.f("ck_media_duration_non_negative")),
        sa.CheckConstraint("size >= 0", name=op.f("ck_media_size_non_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_media_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("uuid", name=op.f("uq_media_uuid")),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_user_id"), ["user_id"], unique=False)

    op.create_table(
        "pages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("template", sa.String(length=100), nullable=True),
        sa.Column("is_published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("show_in_navigation", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("show_in_footer", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.Text(), nullable=True),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "updated_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
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
            ["created_by"],
            ["users.id"],
            name=op.f("fk_pages_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_pages_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("slug", name=op.f("uq_pages_slug")),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pages_created_by"), ["created_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_pages_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pages_is_published"), ["is_published"], unique=False)
        batch_op.create_index(batch_op.f("ix_pages_updated_by"), ["updated_by"], unique=False)

    op.create_table(
        "course_views",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("referrer", sa.String(length=2048), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("device_type", sa.String(length=32), nullable=True),
        sa.Column(
            "viewed_date", sa.Date(), server_default=sa.text("(CURRENT_DATE)"), nullable=False
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
            name=op.f("fk_course_views_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_views_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_views")),
    )
    with op.batch_alter_table("course_views", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_views_course_id_viewed_date"),
            ["course_id", "viewed_date"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_course_views_user_id"), ["user_id"], unique=False)

    op.create_table(
        "faqs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("helpful_count", sa.Integer(), server_default="0", nullable=False),
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
            name=op.f("fk_faqs_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faqs")),
    )
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faqs_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_faqs_course_id_order"), ["course_id", "order"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_faqs_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_faqs_is_published"), ["is_published"], unique=False)

    op.create_table(
        "support_tickets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("ticket_number", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "attachments", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "category",
            sa.Enum(
                "technical",
                "billing",
                "course_content",
                "refund",
                "other",
                name="support_ticket_category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="other",
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum(
                "low",
                "medium",
                "high",
                "urgent",
                name="support_ticket_priority",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="medium",
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "waiting",
                "resolved",
                "closed",
                name="support_ticket_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="open",
            nullable=False,
        ),
        sa.Column(
            "assigned_to", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction_rating", sa.Integer(), nullable=True),
        sa.Column("satisfaction_feedback", sa.Text(), nullable=True),
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
            "satisfaction_rating BETWEEN 1 AND 5",
            name=op.f("ck_support_tickets_satisfaction_rating_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["users.id"],
            name=op.f("fk_support_tickets_assigned_to_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_support_tickets_course_id_courses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_support_tickets_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_support_tickets_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_tickets")),
        sa.UniqueConstraint("ticket_number", name=op.f("uq_support_tickets_ticket_number")),
        sa.UniqueConstraint("uuid", name=op.f("uq_support_tickets_uuid")),
    )
    with op.batch_alter_table("support_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_tickets_assigned_to_status"),
            ["assigned_to", "status"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_support_tickets_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_tickets_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_tickets_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_tickets_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_tickets_priority"), ["priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_tickets_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_tickets_user_id_status"), ["user_id", "status"], unique=False
        )

    op.create_table(
        "support_ticket_replies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "attachments", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("is_internal_note", sa.Boolean(), server_default=sa.false(), nullable=False),
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
            ["ticket_id"],
            ["support_tickets.id"],
            name=op.f("fk_support_ticket_replies_ticket_id_support_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_support_ticket_replies_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_ticket_replies")),
    )
    with op.batch_alter_table("support_ticket_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_ticket_replies_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_ticket_replies_ticket_id_created_at"),
            ["ticket_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_support_ticket_replies_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("support_ticket_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_ticket_replies_user_id"))
        batch_op.drop_index(batch_op.f("ix_support_ticket_replies_ticket_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_support_ticket_replies_deleted_at"))

    op.drop_table("support_ticket_replies")
    with op.batch_alter_table("support_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_tickets_user_id_status"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_status"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_priority"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_order_id"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_course_id"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_category"))
        batch_op.drop_index(batch_op.f("ix_support_tickets_assigned_to_status"))

    op.drop_table("support_tickets")
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faqs_is_published"))
        batch_op.drop_index(batch_op.f("ix_faqs_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_faqs_course_id_order"))
        batch_op.drop_index(batch_op.f("ix_faqs_category"))

    op.drop_table("faqs")
    with op.batch_alter_table("course_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_views_user_id"))
        batch_op.drop_index(batch_op.f("ix_course_views_course_id_viewed_date"))

    op.drop_table("course_views")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pages_updated_by"))
        batch_op.drop_index(batch_op.f("ix_pages_is_published"))
        batch_op.drop_index(batch_op.f("ix_pages_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_pages_created_by"))

    op.drop_table("pages")
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_user_id"))
        batch_op.drop_index(batch_op.f("ix_media_type"))
        batch_op.drop_index(batch_op.f("ix_media_deleted_at"))

    op.drop_table("media")
    with op.batch_alter_table("activity_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_logs_user_id"))
        batch_op.drop_index(batch_op.f("ix_activity_logs_subject_type_subject_id"))
        batch_op.drop_index(batch_op.f("ix_activity_logs_log_name_created_at"))
        batch_op.drop_index(batch_op.f("ix_activity_logs_event"))
        batch_op.drop_index(batch_op.f("ix_activity_logs_causer_type_causer_id"))

    op.drop_table("activity_logs")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settings_group"))

    op.drop_table("settings")
