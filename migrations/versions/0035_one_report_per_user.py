"""review_reports: one report per user and review

Revision ID: 0035
Revises: 0034
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_review_reports_review_id_user_id",
        "review_reports",
        ["review_id", "user_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_review_reports_review_id_user_id", table_name="review_reports")
