"""Discussions, replies, upvotes, followers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 15:30:04.082138
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_upvotes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("upvoteable_type", sa.String(length=50), nullable=False),
        sa.Column(
            "upvoteable_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
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
            name=op.f("fk_discussion_upvotes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_upvotes")),
        sa.UniqueConstraint(
            "user_id",
            "upvoteable_id",
            "upvoteable_type",
            name=op.f("uq_discussion_upvotes_user_id_upvoteable_id_upvoteable_type"),
        ),
    )
    with op.batch_alter_table("discussion_upvotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_upvotes_upvoteable_type_upvoteable_id"),
            ["upvoteable_type", "upvoteable_id"],
            unique=False,
        )

    op.create_table(
        "discussions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("lesson_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "question",
                "discussion",
                "announcement",
                name="discussion_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="question",
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "answered",
                "closed",
                "flagged",
                name="discussion_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="open",
            nullable=False,
        ),
        sa.Column("is_pinned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "best_answer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("views_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("replies_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("upvotes_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("followers_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "last_activity_at",
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_discussions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_discussions_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_discussions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_discussions_uuid")),
    )
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussions_best_answer_id"), ["best_answer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussions_course_id_status"), ["course_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussions_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussions_is_featured"), ["is_featured"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussions_last_activity_at"), ["last_activity_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussions_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussions_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussions_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "discussion_followers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "discussion_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
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
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_discussion_followers_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_followers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_followers")),
        sa.UniqueConstraint(
            "discussion_id", "user_id", name=op.f("uq_discussion_followers_discussion_id_user_id")
        ),
    )
    with op.batch_alter_table("discussion_followers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_followers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "discussion_replies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "discussion_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("is_best_answer", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_instructor_reply", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("upvotes_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("replies_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "flagged",
                "deleted",
                name="discussion_reply_status",
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
        sa.ForeignKeyConstraint(
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_discussion_replies_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["discussion_replies.id"],
            name=op.f("fk_discussion_replies_parent_id_discussion_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_replies_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_replies")),
    )
    with op.batch_alter_table("discussion_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_replies_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_replies_discussion_id_created_at"),
            ["discussion_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_replies_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_replies_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussion_replies_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("discussion_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_replies_user_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_replies_status"))
        batch_op.drop_index(batch_op.f("ix_discussion_replies_parent_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_replies_discussion_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_discussion_replies_deleted_at"))

    op.drop_table("discussion_replies")
    with op.batch_alter_table("discussion_followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_followers_user_id"))

    op.drop_table("discussion_followers")
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussions_user_id"))
        batch_op.drop_index(batch_op.f("ix_discussions_type"))
        batch_op.drop_index(batch_op.f("ix_discussions_status"))
        batch_op.drop_index(batch_op.f("ix_discussions_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_discussions_last_activity_at"))
        batch_op.drop_index(batch_op.f("ix_discussions_is_featured"))
        batch_op.drop_index(batch_op.f("ix_discussions_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_discussions_course_id_status"))
        batch_op.drop_index(batch_op.f("ix_discussions_best_answer_id"))

    op.drop_table("discussions")
    with op.batch_alter_table("discussion_upvotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_upvotes_upvoteable_type_upvoteable_id"))

    op.drop_table("discussion_upvotes")
