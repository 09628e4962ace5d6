"""announcements: is_promotional, delivered_at; announcement_recipients (audience specific)

Revision ID: 0040
Revises: 0039
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite adds a column in place).
    op.add_column(
        "announcements",
        sa.Column("is_promotional", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "announcements", sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_announcements_delivered_at", "announcements", ["delivered_at"])
    op.create_table(
        "announcement_recipients",
        sa.Column("id", BigId, nullable=False),
        sa.Column("announcement_id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
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
            ["announcement_id"],
            ["announcements.id"],
            name="fk_announcement_recipients_announcement_id_announcements",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_announcement_recipients_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_announcement_recipients"),
        sa.UniqueConstraint(
            "announcement_id",
            "user_id",
            name="uq_announcement_recipients_announcement_id_user_id",
        ),
    )
    op.create_index("ix_announcement_recipients_user_id", "announcement_recipients", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_announcement_recipients_user_id", table_name="announcement_recipients")
    op.drop_table("announcement_recipients")
    op.drop_index("ix_announcements_delivered_at", table_name="announcements")
    op.drop_column("announcements", "delivered_at")
    op.drop_column("announcements", "is_promotional")
