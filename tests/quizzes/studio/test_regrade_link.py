"""Authoring and regrading end to end: correcting a key through the studio regrades the
answers already handed in (helper G's ``regrade.question_changed``, not a spy)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, User
from lectern.models.quizzes import Quiz, QuizAnswer, QuizAttempt
from lectern.quizzes import regrade
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.quizzes import create_question
from tests.quizzes.grading.helpers import hand_in
from tests.quizzes.studio.conftest import REAL_QUESTION_CHANGED, fresh, quiz_url


@pytest.fixture(autouse=True)
def real_regrade(monkeypatch: pytest.MonkeyPatch, regrades: list[int]) -> None:
    monkeypatch.setattr(regrade, "question_changed", REAL_QUESTION_CHANGED)


async def test_correcting_a_key_regrades_past_answers(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    question = await create_question(db, quiz, "single_choice", points=Decimal(2))
    four, seven, nine = question.options
    student = await create_user(db)
    attempt = await hand_in(db, quiz, student, {question: {"selected_options": [four.id]}})
    answer = await db.scalar(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id))
    assert answer is not None
    before = await fresh(db, QuizAttempt, attempt.id)
    assert before.score_earned == Decimal(0)
    # The instructor decides "4" was the right answer after all.
    options = [
        {"id": four.id, "option_text": "4", "is_correct": True},
        {"id": seven.id, "option_text": "7"},
        {"id": nine.id, "option_text": "9"},
    ]
    response = await client.patch(
        f"{quiz_url(course, quiz)}/questions/{question.id}",
        json={"options": options},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    after = await fresh(db, QuizAttempt, attempt.id)
    assert after.score_earned == Decimal("2.00")
    assert after.percentage == Decimal("100.00")
    graded = await fresh(db, QuizAnswer, answer.id)
    assert graded.is_correct is True
    assert graded.points_earned == Decimal("2.00")
