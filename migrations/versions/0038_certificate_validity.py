"""courses.certificate_valid_months: how long a course's certificates stay valid

Revision ID: 0038
Revises: 0037
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases (SQLite adds and drops a column in place): a batch
# would copy the courses table, whose expression index it cannot reflect.
def upgrade() -> None:
    op.add_column("courses", sa.Column("certificate_valid_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("courses", "certificate_valid_months")
