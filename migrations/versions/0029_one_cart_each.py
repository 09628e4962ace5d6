"""carts: one cart per user and per guest token

A user has one cart and a guest's token names one cart, so the lookups become unique keys
(and two first additions racing create one cart). session_id holds the SHA-256 of the
guest's token.

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.drop_index("ix_carts_user_id")
        batch.drop_index("ix_carts_session_id")
        batch.create_unique_constraint("uq_carts_user_id", ["user_id"])
        batch.create_unique_constraint("uq_carts_session_id", ["session_id"])


def downgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.drop_constraint("uq_carts_session_id", type_="unique")
        batch.drop_constraint("uq_carts_user_id", type_="unique")
        batch.create_index("ix_carts_session_id", ["session_id"], unique=False)
        batch.create_index("ix_carts_user_id", ["user_id"], unique=False)
