"""Profiles, recommendations, search and watch history, prerequisites, related courses, withdrawals

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 15:30:09.744804
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("session_id", sa.String(length=255), nullable=True),
        sa.Column("query", sa.String(length=255), nullable=False),
        sa.Column("results_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "filters", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
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
            name=op.f("fk_search_history_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_history")),
    )
    with op.batch_alter_table("search_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_history_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_search_history_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_search_history_user_id_created_at"),
            ["user_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "user_profiles",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("avatar", sa.String(length=1024), nullable=True),
        sa.Column("cover_image", sa.String(length=1024), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column(
            "gender",
            sa.Enum(
                "male",
                "female",
                "other",
                "prefer_not_to_say",
                name="user_profile_gender",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("headline", sa.String(length=255), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=12), nullable=True),
        sa.Column("website", sa.String(length=1024), nullable=True),
        sa.Column("twitter", sa.String(length=1024), nullable=True),
        sa.Column("linkedin", sa.String(length=1024), nullable=True),
        sa.Column("facebook", sa.String(length=1024), nullable=True),
        sa.Column("github", sa.String(length=1024), nullable=True),
        sa.Column("youtube", sa.String(length=1024), nullable=True),
        sa.Column("occupation", sa.String(length=255), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column(
            "skills", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "interests", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "learning_goals",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("profile_completed", sa.Boolean(), server_default=sa.false(), nullable=False),
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
            name=op.f("fk_user_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_user_profiles_user_id")),
    )
    op.create_table(
        "course_prerequisites",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "prerequisite_course_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("is_required", sa.Boolean(), server_default=sa.true(), nullable=False),
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
        sa.CheckConstraint(
            "course_id <> prerequisite_course_id", name=op.f("ck_course_prerequisites_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_prerequisites_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prerequisite_course_id"],
            ["courses.id"],
            name=op.f("fk_course_prerequisites_prerequisite_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_prerequisites")),
        sa.UniqueConstraint(
            "course_id",
            "prerequisite_course_id",
            name=op.f("uq_course_prerequisites_course_id_prerequisite_course_id"),
        ),
    )
    with op.batch_alter_table("course_prerequisites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_prerequisites_prerequisite_course_id"),
            ["prerequisite_course_id"],
            unique=False,
        )

    op.create_table(
        "course_recommendations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("score", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column(
            "type",
            sa.Enum(
                "personalized",
                "trending",
                "popular",
                "similar",
                "instructor",
                name="course_recommendation_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="personalized",
            nullable=False,
        ),
        sa.Column("is_dismissed", sa.Boolean(), server_default=sa.false(), nullable=False),
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
            name=op.f("fk_course_recommendations_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_recommendations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_recommendations")),
        sa.UniqueConstraint(
            "user_id", "course_id", name=op.f("uq_course_recommendations_user_id_course_id")
        ),
    )
    with op.batch_alter_table("course_recommendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_recommendations_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_course_recommendations_type"), ["type"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_course_recommendations_user_id_score"),
            ["user_id", "score"],
            unique=False,
        )

    op.create_table(
        "related_courses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "related_course_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "relationship",
            sa.Enum(
                "similar",
                "next_level",
                "complementary",
                name="related_course_relationship",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="similar",
            nullable=False,
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
        sa.CheckConstraint(
            "course_id <> related_course_id", name=op.f("ck_related_courses_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_related_courses_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_course_id"],
            ["courses.id"],
            name=op.f("fk_related_courses_related_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_related_courses")),
        sa.UniqueConstraint(
            "course_id",
            "related_course_id",
            name=op.f("uq_related_courses_course_id_related_course_id"),
        ),
    )
    with op.batch_alter_table("related_courses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_related_courses_related_course_id"), ["related_course_id"], unique=False
        )

    op.create_table(
        "withdrawal_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "payout_method_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "processing",
                "completed",
                name="withdrawal_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("admin_notes", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.String(length=255), nullable=True),
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
            ["payout_method_id"],
            ["payout_methods.id"],
            name=op.f("fk_withdrawal_requests_payout_method_id_payout_methods"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["processed_by"],
            ["users.id"],
            name=op.f("fk_withdrawal_requests_processed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_withdrawal_requests_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawal_requests")),
        sa.UniqueConstraint("uuid", name=op.f("uq_withdrawal_requests_uuid")),
    )
    with op.batch_alter_table("withdrawal_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_withdrawal_requests_payout_method_id"),
            ["payout_method_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_withdrawal_requests_processed_by"), ["processed_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_withdrawal_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_withdrawal_requests_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "watch_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("last_position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("duration_watched", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_percentage", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "last_watched_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
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
        sa.CheckConstraint(
            "duration_watched >= 0", name=op.f("ck_watch_history_duration_watched_non_negative")
        ),
        sa.CheckConstraint(
            "last_position >= 0", name=op.f("ck_watch_history_last_position_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_watch_history_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_watch_history_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_watch_history_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_history")),
        sa.UniqueConstraint(
            "user_id", "lesson_id", name=op.f("uq_watch_history_user_id_lesson_id")
        ),
    )
    with op.batch_alter_table("watch_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_history_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_watch_history_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_watch_history_user_id_last_watched_at"),
            ["user_id", "last_watched_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("watch_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watch_history_user_id_last_watched_at"))
        batch_op.drop_index(batch_op.f("ix_watch_history_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_watch_history_course_id"))

    op.drop_table("watch_history")
    with op.batch_alter_table("withdrawal_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawal_requests_user_id"))
        batch_op.drop_index(batch_op.f("ix_withdrawal_requests_status"))
        batch_op.drop_index(batch_op.f("ix_withdrawal_requests_processed_by"))
        batch_op.drop_index(batch_op.f("ix_withdrawal_requests_payout_method_id"))

    op.drop_table("withdrawal_requests")
    with op.batch_alter_table("related_courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_related_courses_related_course_id"))

    op.drop_table("related_courses")
    with op.batch_alter_table("course_recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_recommendations_user_id_score"))
        batch_op.drop_index(batch_op.f("ix_course_recommendations_type"))
        batch_op.drop_index(batch_op.f("ix_course_recommendations_course_id"))

    op.drop_table("course_recommendations")
    with op.batch_alter_table("course_prerequisites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_prerequisites_prerequisite_course_id"))

    op.drop_table("course_prerequisites")
    op.drop_table("user_profiles")
    with op.batch_alter_table("search_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_history_user_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_search_history_session_id"))
        batch_op.drop_index(batch_op.f("ix_search_history_created_at"))

    op.drop_table("search_history")
