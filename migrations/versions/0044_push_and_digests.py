"""notifications: push_subscriptions (Web Push, one per browser or device);
notification_preferences: email_cadence and digest_sent_at (digests), quiet_hours_start and
quiet_hours_end (minutes after midnight in the user's zone) and push_held_since

Revision ID: 0044
Revises: 0043
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("endpoint", sa.String(length=2048), nullable=False),
        sa.Column("p256dh", sa.String(length=255), nullable=False),
        sa.Column("auth", sa.String(length=255), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.Column("last_pushed_at", sa.DateTime(timezone=True), nullable=True),
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
            name="fk_push_subscriptions_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_push_subscriptions"),
        sa.UniqueConstraint("endpoint", name="uq_push_subscriptions_endpoint"),
    )
    op.create_index("ix_push_subscriptions_user_id", "push_subscriptions", ["user_id"])
    # SQLite adds a column with a CHECK of its own in place; Alembic's add_column would leave
    # the CHECK out there, so it is written out.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE notification_preferences ADD COLUMN email_cadence VARCHAR(32) "
            "DEFAULT 'instant' NOT NULL "
            "CONSTRAINT ck_notification_preferences_email_cadence "
            "CHECK (email_cadence IN ('instant', 'daily', 'weekly'))"
        )
    else:
        op.add_column(
            "notification_preferences",
            sa.Column(
                "email_cadence",
                sa.Enum(
                    "instant",
                    "daily",
                    "weekly",
                    name="email_cadence",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="instant",
                nullable=False,
            ),
        )
    for name, kind in (
        ("digest_sent_at", sa.DateTime(timezone=True)),
        ("quiet_hours_start", sa.SmallInteger()),
        ("quiet_hours_end", sa.SmallInteger()),
        ("push_held_since", sa.DateTime(timezone=True)),
    ):
        op.add_column("notification_preferences", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name in (
        "push_held_since",
        "quiet_hours_end",
        "quiet_hours_start",
        "digest_sent_at",
        "email_cadence",
    ):
        op.drop_column("notification_preferences", name)
    op.drop_index("ix_push_subscriptions_user_id", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
