"""coupons.instructor_id, coupons.currency, carts.coupon_id

An instructor's coupon names its instructor (it applies to their courses and comes out of
their share); a platform coupon has none. A fixed amount and a minimum order are money, so a
coupon that has either names its currency. A cart remembers the coupon applied to it.

Revision ID: 0030
Revises: 0029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("coupons") as batch:
        batch.add_column(sa.Column("instructor_id", BigId, nullable=True))
        batch.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch.create_foreign_key(
            "fk_coupons_instructor_id_users", "users", ["instructor_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_coupons_instructor_id", ["instructor_id"], unique=False)
    with op.batch_alter_table("carts") as batch:
        batch.add_column(sa.Column("coupon_id", BigId, nullable=True))
        batch.create_foreign_key(
            "fk_carts_coupon_id_coupons", "coupons", ["coupon_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_carts_coupon_id", ["coupon_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.drop_index("ix_carts_coupon_id")
        batch.drop_constraint("fk_carts_coupon_id_coupons", type_="foreignkey")
        batch.drop_column("coupon_id")
    with op.batch_alter_table("coupons") as batch:
        batch.drop_index("ix_coupons_instructor_id")
        batch.drop_constraint("fk_coupons_instructor_id_users", type_="foreignkey")
        batch.drop_column("currency")
        batch.drop_column("instructor_id")
