"""users.two_factor_last_step: the time step of the last authenticator code accepted

A TOTP code is accepted once (RFC 6238 section 5.2): a code of a step at or before the last
accepted one is refused, so a code seen over a shoulder or in a log cannot be replayed
within its window.

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("two_factor_last_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("two_factor_last_step")
