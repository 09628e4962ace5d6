"""Rich text written before it was sanitised on write is sanitised now

Course descriptions, instructor and user bios, FAQ answers, quiz instructions and question
explanations were stored as sent; from now on every field listed in lectern.kit.html is
sanitised on write. This cleans what is already stored, with the same allow-list. Nothing
to undo: the downgrade leaves the cleaned text.

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lectern.kit.html import RICH_TEXT_FIELDS, sanitize_html

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    connection = op.get_bind()
    for field in RICH_TEXT_FIELDS:
        table, column = field.split(".")
        last_id = 0
        while True:
            rows = connection.execute(
                sa.text(
                    f"SELECT id, {column} FROM {table} "
                    f"WHERE id > :last AND {column} IS NOT NULL ORDER BY id LIMIT :batch"
                ),
                {"last": last_id, "batch": BATCH},
            ).all()
            if not rows:
                break
            changed = [
                {"id": row_id, "value": clean}
                for row_id, value in rows
                if (clean := sanitize_html(value)) != value
            ]
            if changed:
                connection.execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                    changed,
                )
            last_id = rows[-1][0]


def downgrade() -> None:
    pass
