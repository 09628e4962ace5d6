"""Assessments: quiz_answers.graded_at; one quiz and one live assignment per lesson

- ``quiz_answers.graded_at``: when an instructor graded a long answer or essay by hand
  (NULL while it waits), so "awaiting grading" is a fact, not a convention on feedback.
- ``quizzes.lesson_id`` becomes unique (its index is rebuilt as a unique one), and
  ``assignments`` gets a partial unique index on ``lesson_id`` over rows not deleted: two
  parallel requests cannot put two quizzes or assignments in one lesson.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("quiz_answers", sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True))
    # Answers graded by hand before this column existed carry feedback (possibly empty).
    op.execute(
        "UPDATE quiz_answers SET graded_at = updated_at WHERE feedback IS NOT NULL AND "
        "question_id IN (SELECT id FROM quiz_questions WHERE type IN ('long_answer', 'essay'))"
    )
    op.drop_index("ix_quizzes_lesson_id", table_name="quizzes")
    op.create_index("ix_quizzes_lesson_id", "quizzes", ["lesson_id"], unique=True)
    op.create_index(
        "uq_assignments_live_lesson_id",
        "assignments",
        ["lesson_id"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_assignments_live_lesson_id", table_name="assignments")
    op.drop_index("ix_quizzes_lesson_id", table_name="quizzes")
    op.create_index("ix_quizzes_lesson_id", "quizzes", ["lesson_id"], unique=False)
    with op.batch_alter_table("quiz_answers") as batch:
        batch.drop_column("graded_at")
