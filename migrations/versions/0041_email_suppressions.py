"""email_suppressions: addresses mail is no longer sent to (bounces, complaints)

Revision ID: 0041
Revises: 0040
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "email_suppressions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "bounce",
                "complaint",
                name="email_suppression_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        *(
            sa.Column(
                name,
                sa.DateTime(timezone=True),
                server_default=sa.text("(CURRENT_TIMESTAMP)"),
                nullable=False,
            )
            for name in ("created_at", "updated_at")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_email_suppressions"),
        sa.UniqueConstraint("email", name="uq_email_suppressions_email"),
    )


def downgrade() -> None:
    op.drop_table("email_suppressions")
