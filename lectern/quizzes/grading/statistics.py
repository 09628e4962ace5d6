"""Per-quiz statistics for its instructors, aggregated in SQL: two statements whatever the
number of attempts.

- ``attempts``: every submitted attempt (status submitted, graded or expired); ``students``:
  distinct learners among them; ``awaiting_grading``: those still ``submitted``.
- ``average_percentage``, ``pass_rate``, ``highest`` and ``lowest`` are over the attempts
  whose grading is final (graded or expired): an attempt waiting for an essay to be marked
  has no final score yet. Null when there is none.
- Per question (in quiz order), over the same final attempts: ``responses`` (answer rows),
  ``correct`` (answers graded correct), ``share_correct`` = correct / responses (the
  question's difficulty: low = hard; null without responses) and ``average_points``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models.quizzes import (
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizQuestion,
    QuizQuestionType,
)

SUBMITTED = (QuizAttemptStatus.SUBMITTED, QuizAttemptStatus.GRADED, QuizAttemptStatus.EXPIRED)
FINAL = (QuizAttemptStatus.GRADED, QuizAttemptStatus.EXPIRED)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuestionStats:
    id: int
    type: QuizQuestionType
    question: str
    points: Decimal
    order: int
    responses: int
    correct: int
    share_correct: Decimal | None
    average_points: Decimal | None


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    students: int
    awaiting_grading: int
    graded: int
    passed: int
    average_percentage: Decimal | None
    pass_rate: Decimal | None
    highest_percentage: Decimal | None
    lowest_percentage: Decimal | None
    questions: list[QuestionStats]


def _share(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT)


async def quiz_stats(session: AsyncSession, quiz: Quiz) -> QuizStats:
    final = QuizAttempt.status.in_(FINAL)
    totals = (
        await session.execute(
            select(
                func.count(QuizAttempt.id),
                func.count(func.distinct(QuizAttempt.user_id)),
                func.count(case((QuizAttempt.status == QuizAttemptStatus.SUBMITTED, 1))),
                func.count(case((final, 1))),
                func.count(case((and_(final, QuizAttempt.is_passed), 1))),
                # Sums and extremes keep the column's exact type (hundredths as integers).
                func.sum(case((final, QuizAttempt.percentage))),
                func.max(case((final, QuizAttempt.percentage))),
                func.min(case((final, QuizAttempt.percentage))),
            ).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.status.in_(SUBMITTED))
        )
    ).one()
    attempts, students, awaiting, graded, passed, total_pct, highest, lowest = totals
    average = None
    if graded:
        average = (Decimal(total_pct or 0) / graded).quantize(CENT)

    answers = (
        select(
            QuizAnswer.question_id,
            QuizAnswer.is_correct,
            QuizAnswer.points_earned,
        )
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAttempt.quiz_id == quiz.id, final)
        .subquery()
    )
    rows = await session.execute(
        select(
            QuizQuestion.id,
            QuizQuestion.type,
            QuizQuestion.question,
            QuizQuestion.points,
            QuizQuestion.order,
            func.count(answers.c.question_id),
            func.count(case((answers.c.is_correct, 1))),
            func.sum(answers.c.points_earned),
        )
        .outerjoin(answers, answers.c.question_id == QuizQuestion.id)
        .where(QuizQuestion.quiz_id == quiz.id)
        .group_by(
            QuizQuestion.id,
            QuizQuestion.type,
            QuizQuestion.question,
            QuizQuestion.points,
            QuizQuestion.order,
        )
        .order_by(QuizQuestion.order, QuizQuestion.id)
    )
    questions = [
        QuestionStats(
            id=qid,
            type=QuizQuestionType(qtype),
            question=text,
            points=points,
            order=order,
            responses=int(responses),
            correct=int(correct),
            share_correct=_share(int(correct), int(responses)),
            average_points=(Decimal(earned or 0) / responses).quantize(CENT) if responses else None,
        )
        for qid, qtype, text, points, order, responses, correct, earned in rows
    ]
    return QuizStats(
        attempts=int(attempts),
        students=int(students),
        awaiting_grading=int(awaiting),
        graded=int(graded),
        passed=int(passed),
        average_percentage=average,
        pass_rate=_share(int(passed), int(graded)),
        highest_percentage=highest,
        lowest_percentage=lowest,
        questions=questions,
    )
