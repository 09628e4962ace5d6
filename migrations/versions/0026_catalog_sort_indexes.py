"""The catalog's sort orders are read from indexes, ties and all

Each sort of the public catalog ends with tie-breakers (rating, then reviews, then id;
enrollments, then id; price, then id). Indexes on the first column alone left the
tie-breaking to a sort of every tied row: on 10,000 courses the 300 courses sharing the top
rating were read and sorted for each page (2 ms), and a price sort read every visible
course. Each index now holds the whole order, so a page is a walk of its first rows.
(Newest first needs none: publication times hardly ever tie.) See docs/benchmarks.md,
Growth.

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_index("ix_courses_rating")
        batch_op.drop_index("ix_courses_total_enrollments")
        batch_op.create_index("ix_courses_rating", ["rating", "total_reviews", "id"])
        batch_op.create_index("ix_courses_total_enrollments", ["total_enrollments", "id"])
        # A course without a price sorts as free (the catalog's coalesce(price, 0)).
        batch_op.create_index("ix_courses_price_order", [sa.text("coalesce(price, 0)"), "id"])


def downgrade() -> None:
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_index("ix_courses_price_order")
        batch_op.drop_index("ix_courses_total_enrollments")
        batch_op.drop_index("ix_courses_rating")
        batch_op.create_index("ix_courses_total_enrollments", ["total_enrollments"])
        batch_op.create_index("ix_courses_rating", ["rating"])
