"""certificate_reissues: the numbers certificates had before they were reissued

Revision ID: 0039
Revises: 0038
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "certificate_reissues",
        sa.Column("id", BigId, nullable=False),
        sa.Column("certificate_id", BigId, nullable=False),
        sa.Column("old_number", sa.String(length=64), nullable=False),
        sa.Column("old_student_name", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
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
            ["certificate_id"],
            ["certificates.id"],
            name="fk_certificate_reissues_certificate_id_certificates",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_certificate_reissues"),
        sa.UniqueConstraint("old_number", name="uq_certificate_reissues_old_number"),
    )
    op.create_index(
        "ix_certificate_reissues_certificate_id", "certificate_reissues", ["certificate_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_certificate_reissues_certificate_id", table_name="certificate_reissues")
    op.drop_table("certificate_reissues")
