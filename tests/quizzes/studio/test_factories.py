"""The quiz factories give valid rows for every type and keep the quiz totals right."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models.quizzes import Quiz, QuizQuestionType
from lectern.quizzes import keys
from tests.factories import create_course
from tests.factories.quizzes import create_question, create_quiz


async def test_every_type_has_a_valid_default(db: AsyncSession) -> None:
    course = await create_course(db)
    quiz = await create_quiz(db, course)
    for i, kind in enumerate(QuizQuestionType):
        question = await create_question(db, quiz, kind, points=Decimal(2))
        assert question.order == i
        keys.validate_question(kind, question.question, question.settings, question.options)
    assert quiz.total_questions == 10
    assert quiz.total_points == Decimal("20.00")
    stored = await db.scalar(
        select(Quiz.total_points)
        .where(Quiz.id == quiz.id)
        .execution_options(populate_existing=True)
    )
    assert stored == Decimal("20.00")
