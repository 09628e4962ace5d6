"""cart_items and order_items: item_type (a course, or a seat in a live class) and
live_class_id, so that a priced live class is bought through the cart

Revision ID: 0045
Revises: 0044
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# A cart line goes with its class; a line sold is a money record and keeps it.
ON_DELETE = {"cart_items": "CASCADE", "order_items": "RESTRICT"}


def _batch(table: str) -> Any:
    # SQLite rebuilds the table (it cannot add a foreign key to one); reading it back, the
    # tables it points at are not read as well (nothing of theirs changes).
    return op.batch_alter_table(table, reflect_kwargs={"resolve_fks": False})


def upgrade() -> None:
    for table, on_delete in ON_DELETE.items():
        with _batch(table) as batch:
            batch.add_column(
                sa.Column(
                    "item_type",
                    sa.Enum(
                        "course",
                        "live_class",
                        name="item_type",
                        native_enum=False,
                        create_constraint=True,
                        length=32,
                    ),
                    server_default="course",
                    nullable=False,
                )
            )
            batch.add_column(sa.Column("live_class_id", BigId, nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_live_class_id_live_classes",
                "live_classes",
                ["live_class_id"],
                ["id"],
                ondelete=on_delete,
            )
            batch.create_index(f"ix_{table}_live_class_id", ["live_class_id"])


def downgrade() -> None:
    for table in ON_DELETE:
        with _batch(table) as batch:
            batch.drop_index(f"ix_{table}_live_class_id")
            batch.drop_constraint(
                op.f(f"fk_{table}_live_class_id_live_classes"), type_="foreignkey"
            )
            batch.drop_constraint(op.f(f"ck_{table}_item_type"), type_="check")
            batch.drop_column("live_class_id")
            batch.drop_column("item_type")
