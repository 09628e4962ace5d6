"""Regrading: when an instructor corrects a question's key or points, past answers follow.

Authoring calls ``question_changed`` after every change to a question's key or points (in
the same transaction). Every answer to the question in an attempt that was handed in
(submitted, graded or expired) is graded again with ``grading.grade_answer``: automatic
types against the new key; long answers and essays keep the instructor's points, cut down
to the question's points if those dropped below them (an ungraded one stays ungraded). Then
the totals of each affected attempt are recomputed with
``grading.attempt_totals`` (counts, score, percentage, ``is_passed``, status), for all of
them at once: an attempt that now passes completes its lesson, while one that no longer
passes keeps a lesson already completed (completion is never taken back).

Affected attempts: the handed-in attempts of the quiz holding an answer to the question,
and those whose ``score_total`` is no longer the sum of the quiz's points (the question's
points changed and they skipped it). A deleted question (its answers went with it) changes
nothing: past attempts keep their stored totals until a later regrade of the quiz.

Statements, whatever the number of attempts: the question, the quiz, its questions, their
options, the affected attempts, their answers, one bulk UPDATE of the changed answers, one
of the attempts; then, only for attempts that newly complete their lesson, their
enrollments (one) and the lesson completion (a few each).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lectern.kit.types import utcnow
from lectern.learning.access import is_live
from lectern.learning.progress.service import complete_lesson
from lectern.models import Enrollment
from lectern.models.quizzes import (
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizQuestion,
)
from lectern.quizzes import scoring as grading

HANDED_IN = (QuizAttemptStatus.SUBMITTED, QuizAttemptStatus.GRADED, QuizAttemptStatus.EXPIRED)


async def question_changed(session: AsyncSession, question_id: int) -> None:
    """Regrade every handed-in answer to question ``question_id`` and refresh the totals of
    their attempts."""
    await session.flush()
    quiz_id = await session.scalar(
        select(QuizQuestion.quiz_id).where(QuizQuestion.id == question_id)
    )
    if quiz_id is None:
        return
    quiz = await session.get_one(Quiz, quiz_id)
    questions, options_of = await grading.load_key(session, quiz_id)

    quiz_points = (
        select(func.coalesce(func.sum(QuizQuestion.points), 0))
        .where(QuizQuestion.quiz_id == quiz_id)
        .scalar_subquery()
    )
    affected = select(QuizAttempt.id).where(
        QuizAttempt.quiz_id == quiz_id,
        QuizAttempt.status.in_(HANDED_IN),
        or_(
            QuizAttempt.id.in_(
                select(QuizAnswer.attempt_id).where(QuizAnswer.question_id == question_id)
            ),
            QuizAttempt.score_total != quiz_points,
        ),
    )
    attempts = list(
        await session.scalars(
            # Locked (PostgreSQL; SQLite serialises writers) in id order, as a manual
            # grading locks its attempt before reading its answers: neither overwrites
            # totals computed without the other's change.
            select(QuizAttempt)
            .where(QuizAttempt.id.in_(affected))
            .order_by(QuizAttempt.id)
            .with_for_update()
        )
    )
    if not attempts:
        return
    answers_of: dict[int, dict[int, QuizAnswer]] = defaultdict(dict)
    for answer in await session.scalars(
        select(QuizAnswer).where(QuizAnswer.attempt_id.in_(affected))
    ):
        answers_of[answer.attempt_id][answer.question_id] = answer

    now = utcnow()
    changed_answers: list[dict[str, Any]] = []
    attempt_values: list[dict[str, Any]] = []
    completing: list[QuizAttempt] = []
    for attempt in attempts:
        totals = grading.attempt_totals(
            quiz, questions, options_of, answers_of[attempt.id], attempt, now
        )
        changed_answers.extend(totals.changed_answers)
        completes = grading.completes_lesson(quiz, totals.status, bool(totals.values["is_passed"]))
        if completes and not grading.completes_lesson(quiz, attempt.status, attempt.is_passed):
            completing.append(attempt)
        attempt_values.append({"id": attempt.id, **totals.values, "updated_at": now})
        for name, value in totals.values.items():
            set_committed_value(attempt, name, value)
    if changed_answers:
        await session.execute(update(QuizAnswer), changed_answers)
    await session.execute(update(QuizAttempt), attempt_values)
    if quiz.lesson_id is not None:
        await _complete_lessons(session, quiz.lesson_id, completing, now)


async def _complete_lessons(
    session: AsyncSession, lesson_id: int, attempts: list[QuizAttempt], now: datetime
) -> None:
    ids = {a.enrollment_id for a in attempts if a.enrollment_id is not None}
    if not ids:
        return
    for enrollment in await session.scalars(select(Enrollment).where(Enrollment.id.in_(ids))):
        if is_live(enrollment, now):
            await complete_lesson(session, enrollment, lesson_id)
