"""lesson_progress: the state of the latest player heartbeat (play_id, play_seq, play_watched)

Heartbeats carry a playback-session id, a sequence number and the seconds watched in that
session; keeping the latest of each per lesson_progress row makes a replayed or
out-of-order beat a no-op.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("lesson_progress", sa.Column("play_id", sa.String(length=36), nullable=True))
    op.add_column(
        "lesson_progress",
        sa.Column("play_seq", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "lesson_progress",
        sa.Column("play_watched", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("lesson_progress") as batch:
        batch.drop_column("play_watched")
        batch.drop_column("play_seq")
        batch.drop_column("play_id")
