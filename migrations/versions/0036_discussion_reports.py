"""discussion_reports: reports of threads and replies, once per user and post

Revision ID: 0036
Revises: 0035
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "discussion_reports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("reportable_type", sa.String(length=50), nullable=False),
        sa.Column("reportable_id", BigId, nullable=False),
        sa.Column("reason", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        *(
            sa.Column(
                name,
                sa.DateTime(timezone=True),
                server_default=sa.text("(CURRENT_TIMESTAMP)"),
                nullable=False,
            )
            for name in ("created_at", "updated_at")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_discussion_reports_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_discussion_reports"),
        sa.UniqueConstraint(
            "user_id",
            "reportable_id",
            "reportable_type",
            name="uq_discussion_reports_user_id_reportable_id_reportable_type",
        ),
    )
    op.create_index(
        "ix_discussion_reports_reportable_type_reportable_id",
        "discussion_reports",
        ["reportable_type", "reportable_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_discussion_reports_reportable_type_reportable_id", table_name="discussion_reports"
    )
    op.drop_table("discussion_reports")
