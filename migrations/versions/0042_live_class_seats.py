"""live classes: sequence (iCalendar updates); registrations: status (seat or waitlist),
final_reminder_sent (the reminder an hour before, beside reminder_sent a day before)

Revision ID: 0042
Revises: 0041
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "live_classes", sa.Column("sequence", sa.Integer(), server_default="0", nullable=False)
    )
    # SQLite adds a column with a CHECK of its own in place; Alembic's add_column would leave
    # the CHECK out there, so it is written out.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE live_class_registrations ADD COLUMN status VARCHAR(32) "
            "DEFAULT 'registered' NOT NULL "
            "CONSTRAINT ck_live_class_registrations_live_registration_status "
            "CHECK (status IN ('registered', 'waitlisted'))"
        )
    else:
        op.add_column(
            "live_class_registrations",
            sa.Column(
                "status",
                sa.Enum(
                    "registered",
                    "waitlisted",
                    name="live_registration_status",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="registered",
                nullable=False,
            ),
        )
    op.add_column(
        "live_class_registrations",
        sa.Column("final_reminder_sent", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # The CHECK belongs to the column: it goes with it, on SQLite too.
    op.drop_column("live_class_registrations", "final_reminder_sent")
    op.drop_column("live_class_registrations", "status")
    op.drop_column("live_classes", "sequence")
