"""messaging: user_blocks (who takes no messages from whom), message_reports (messages
reported to the admins); instructor_profiles.accepts_messages (direct messages off)

Revision ID: 0043
Revises: 0042
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            name,
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        )
        for name in ("created_at", "updated_at")
    ]


def upgrade() -> None:
    op.add_column(
        "instructor_profiles",
        sa.Column("accepts_messages", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.create_table(
        "user_blocks",
        sa.Column("id", BigId, nullable=False),
        sa.Column("blocker_id", BigId, nullable=False),
        sa.Column("blocked_id", BigId, nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["users.id"], name="fk_user_blocks_blocker_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["blocked_id"], ["users.id"], name="fk_user_blocks_blocked_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_user_blocks"),
        sa.UniqueConstraint(
            "blocker_id", "blocked_id", name="uq_user_blocks_blocker_id_blocked_id"
        ),
    )
    op.create_index("ix_user_blocks_blocked_id", "user_blocks", ["blocked_id"])
    op.create_table(
        "message_reports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("reporter_id", BigId, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "resolution",
            sa.Enum(
                "dismissed",
                "removed",
                name="message_report_resolution",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("resolved_by", BigId, nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name="fk_message_reports_message_id_messages",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name="fk_message_reports_reporter_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["users.id"],
            name="fk_message_reports_resolved_by_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_message_reports"),
        sa.UniqueConstraint(
            "message_id", "reporter_id", name="uq_message_reports_message_id_reporter_id"
        ),
    )
    op.create_index("ix_message_reports_reporter_id", "message_reports", ["reporter_id"])
    op.create_index("ix_message_reports_resolved_by", "message_reports", ["resolved_by"])
    op.create_index("ix_message_reports_resolved_at", "message_reports", ["resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_message_reports_resolved_at", table_name="message_reports")
    op.drop_index("ix_message_reports_resolved_by", table_name="message_reports")
    op.drop_index("ix_message_reports_reporter_id", table_name="message_reports")
    op.drop_table("message_reports")
    op.drop_index("ix_user_blocks_blocked_id", table_name="user_blocks")
    op.drop_table("user_blocks")
    op.drop_column("instructor_profiles", "accepts_messages")
