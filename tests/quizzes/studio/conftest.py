"""Fixtures of the quiz authoring tests: an author, their course and quiz, a regrade spy."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, User
from lectern.models.quizzes import Quiz, QuizOption, QuizQuestion
from lectern.quizzes import regrade
from tests.factories import create_course
from tests.factories.curriculum import create_author
from tests.factories.quizzes import create_quiz

# Helper G's function, for the tests that check authoring and regrading end to end.
REAL_QUESTION_CHANGED = regrade.question_changed


def quizzes_url(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}/quizzes"


def quiz_url(course: Course, quiz: Quiz) -> str:
    return f"{quizzes_url(course)}/{quiz.uuid}"


@pytest.fixture(autouse=True)
def regrades(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The question ids ``regrade.question_changed`` was called with (helper G's function
    is replaced by a spy here: these tests check authoring calls it, not what it does)."""
    calls: list[int] = []

    async def spy(session: AsyncSession, question_id: int) -> None:
        calls.append(question_id)

    monkeypatch.setattr(regrade, "question_changed", spy)
    return calls


@pytest.fixture
async def author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def course(db: AsyncSession, author: User) -> Course:
    return await create_course(db, author)


@pytest.fixture
async def quiz(db: AsyncSession, course: Course) -> Quiz:
    return await create_quiz(db, course, title="Checkpoint")


async def fresh(db: AsyncSession, model: type[Any], row_id: int) -> Any:
    """The row as the database has it now."""
    return await db.scalar(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    )


async def snapshot(db: AsyncSession, quiz: Quiz) -> tuple[Any, ...]:
    """Everything authoring can change about a quiz, as stored."""
    row = await fresh(db, Quiz, quiz.id)
    questions = (
        await db.execute(
            select(
                QuizQuestion.id,
                QuizQuestion.question,
                QuizQuestion.points,
                QuizQuestion.order,
                QuizQuestion.settings,
            )
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizQuestion.id)
        )
    ).all()
    options = (
        await db.execute(
            select(
                QuizOption.id,
                QuizOption.question_id,
                QuizOption.option_text,
                QuizOption.is_correct,
                QuizOption.order,
                QuizOption.match_with,
            )
            .join(QuizQuestion, QuizQuestion.id == QuizOption.question_id)
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizOption.id)
        )
    ).all()
    settings = {
        name: getattr(row, name)
        for name in (
            "title",
            "description",
            "time_limit",
            "passing_score",
            "max_attempts",
            "is_published",
            "lesson_id",
            "order",
            "total_points",
            "total_questions",
        )
    }
    return settings, [tuple(q) for q in questions], [tuple(o) for o in options]
