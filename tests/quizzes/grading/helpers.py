"""Attempts handed in, for the instructors' side: a learner's answers stored as the taking
side stores them, then graded with ``grading.finish_attempt``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import Enrollment, User
from lectern.models.quizzes import (
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizQuestion,
)
from lectern.quizzes import scoring as grading


async def hand_in(
    session: AsyncSession,
    quiz: Quiz,
    student: User,
    answers: dict[QuizQuestion, dict[str, Any]],
    *,
    enrollment: Enrollment | None = None,
    submitted_at: datetime | None = None,
    status: QuizAttemptStatus = QuizAttemptStatus.SUBMITTED,
) -> QuizAttempt:
    """A submitted attempt of ``student`` with ``answers`` (question → QuizAnswer fields),
    graded automatically (essays wait for an instructor)."""
    number = (
        await session.scalar(
            select(func.count(QuizAttempt.id)).where(
                QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == student.id
            )
        )
        or 0
    ) + 1
    submitted_at = submitted_at or utcnow()
    attempt = QuizAttempt(
        user_id=student.id,
        quiz_id=quiz.id,
        enrollment_id=enrollment.id if enrollment else None,
        attempt_number=number,
        started_at=submitted_at - timedelta(minutes=5),
        submitted_at=None if status == QuizAttemptStatus.IN_PROGRESS else submitted_at,
        status=status,
    )
    session.add(attempt)
    await session.flush()
    session.add_all(
        QuizAnswer(attempt_id=attempt.id, question_id=q.id, **fields)
        for q, fields in answers.items()
    )
    await session.flush()
    if status != QuizAttemptStatus.IN_PROGRESS:
        await grading.finish_attempt(session, attempt, submitted_at)
    await session.commit()
    return attempt


def pick(question: QuizQuestion, *, correct: bool) -> dict[str, Any]:
    """The answer fields of a choice question: the right or a wrong option."""
    option = next(o for o in question.options if o.is_correct == correct)
    return {"selected_options": [option.id]}
