"""The instructors' side of quiz attempts: the grading queue, an attempt with its answers and
the keys, manual grading of long answers and essays, feedback on a whole attempt.

Scope: the attempts of the quizzes of one course the caller may edit (the routes resolve the
course with ``courses.policy.course_for(..., Access.CONTENT)``); an attempt of another
course is a 404. Manual grades follow ``grading``'s contract: an essay / long answer is
graded once its ``graded_at`` is set (``grading.record_manual_grade``), and
``grading.finish_attempt`` then recomputes the attempt (status ``graded`` once nothing is
left to grade, ``is_passed``, the lesson's completion). The grading that completes an
attempt (submitted → graded) publishes ``QuizGraded``: notifications tell the learner (in
the app, and by e-mail unless they turned off ``email_assignment_feedback``); changing a
grade later, or a regrade, tells nobody.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from lectern import events
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.types import utcnow
from lectern.models import Course, User
from lectern.models.quizzes import (
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizOption,
    QuizQuestion,
)
from lectern.quizzes import scoring as grading
from lectern.quizzes.events import QuizGraded


@dataclass(frozen=True)
class QueueFilters:
    status: QuizAttemptStatus = QuizAttemptStatus.SUBMITTED
    quiz: uuid.UUID | None = None
    student: uuid.UUID | None = None


@dataclass(frozen=True)
class QueueRow:
    attempt: QuizAttempt
    ungraded_answers: int


@dataclass(frozen=True)
class AnsweredQuestion:
    question: QuizQuestion
    options: list[QuizOption]
    answer: QuizAnswer | None
    needs_grading: bool


@dataclass(frozen=True)
class AttemptView:
    attempt: QuizAttempt
    grader: User | None
    questions: list[AnsweredQuestion]

    @property
    def ungraded_answers(self) -> int:
        return sum(1 for q in self.questions if q.needs_grading)


def needs_grading(question: QuizQuestion, answer: QuizAnswer | None) -> bool:
    """A manual answer with content that no instructor has graded yet."""
    return (
        question.type in grading.MANUAL_TYPES
        and answer is not None
        and grading.has_content(question, answer)
        and not grading.is_manually_graded(answer)
    )


def _ungraded_count(attempt_ids: list[int]) -> Select[int, int]:
    """Per attempt, its manual answers with text and no grade (SQL's view of
    ``needs_grading``; TRIM drops spaces only, as close as SQL gets to ``str.strip``)."""
    return (
        select(QuizAnswer.attempt_id, func.count(QuizAnswer.id))
        .join(QuizQuestion, QuizQuestion.id == QuizAnswer.question_id)
        .where(
            QuizAnswer.attempt_id.in_(attempt_ids),
            QuizQuestion.type.in_(grading.MANUAL_TYPES),
            QuizAnswer.graded_at.is_(None),
            QuizAnswer.text_answer.is_not(None),
            func.trim(QuizAnswer.text_answer) != "",
        )
        .group_by(QuizAnswer.attempt_id)
    )


async def quiz_of_course(session: AsyncSession, course: Course, quiz_uuid: uuid.UUID) -> Quiz:
    quiz = await session.scalar(
        select(Quiz).where(Quiz.uuid == quiz_uuid, Quiz.course_id == course.id)
    )
    if quiz is None:
        raise NotFound("no such quiz in this course", code="quiz_not_found")
    return quiz


async def queue(
    session: AsyncSession, course: Course, filters: QueueFilters, params: PageParams
) -> tuple[list[QueueRow], PageMeta]:
    """The course's attempts in ``filters.status`` (``submitted``: waiting for manual
    grading), oldest submission first. Three statements: count, page, ungraded counts."""
    statement = (
        select(QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(User, User.id == QuizAttempt.user_id)
        .options(contains_eager(QuizAttempt.quiz), contains_eager(QuizAttempt.user))
        .where(Quiz.course_id == course.id, QuizAttempt.status == filters.status)
    )
    if filters.quiz is not None:
        statement = statement.where(Quiz.uuid == filters.quiz)
    if filters.student is not None:
        statement = statement.where(User.uuid == filters.student)
    statement = statement.order_by(
        func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at), QuizAttempt.id
    )
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    attempts = list(
        (await session.scalars(statement.limit(params.per_page).offset(params.offset))).unique()
    )
    counts: dict[int, int] = {}
    if attempts:
        rows = await session.execute(_ungraded_count([a.id for a in attempts]))
        counts = {int(row[0]): int(row[1]) for row in rows}
    items = [QueueRow(a, counts.get(a.id, 0)) for a in attempts]
    return items, params.meta(int(total or 0))


async def _attempt(session: AsyncSession, course: Course, attempt_uuid: uuid.UUID) -> QuizAttempt:
    attempt = await session.scalar(
        select(QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(User, User.id == QuizAttempt.user_id)
        .options(contains_eager(QuizAttempt.quiz), contains_eager(QuizAttempt.user))
        .where(QuizAttempt.uuid == attempt_uuid, Quiz.course_id == course.id)
        .execution_options(populate_existing=True)
    )
    if attempt is None:
        raise NotFound("no such quiz attempt in this course", code="attempt_not_found")
    return attempt


async def attempt_view(
    session: AsyncSession, course: Course, attempt_uuid: uuid.UUID
) -> AttemptView:
    """The attempt with every question of its quiz (in order, with the key) and the
    learner's answer to each. Five statements."""
    attempt = await _attempt(session, course, attempt_uuid)
    return await _view(session, attempt)


async def _view(session: AsyncSession, attempt: QuizAttempt) -> AttemptView:
    grader = None
    if attempt.graded_by is not None:
        grader = await session.scalar(select(User).where(User.id == attempt.graded_by))
    questions, options_of = await grading.load_key(session, attempt.quiz_id)
    answers = {
        a.question_id: a
        for a in await session.scalars(
            select(QuizAnswer)
            .where(QuizAnswer.attempt_id == attempt.id)
            .execution_options(populate_existing=True)
        )
    }
    return AttemptView(
        attempt=attempt,
        grader=grader,
        questions=[
            AnsweredQuestion(
                question=q,
                options=options_of[q.id],
                answer=answers.get(q.id),
                needs_grading=needs_grading(q, answers.get(q.id)),
            )
            for q in questions
        ],
    )


def _require_submitted(attempt: QuizAttempt) -> None:
    if attempt.status == QuizAttemptStatus.IN_PROGRESS:
        raise Conflict(
            "the attempt is still in progress: grade it once it is submitted",
            code="attempt_in_progress",
        )


async def grade_answer(
    session: AsyncSession,
    course: Course,
    grader: User,
    attempt_uuid: uuid.UUID,
    answer_id: int,
    points: Decimal,
    feedback: str | None,
) -> AttemptView:
    """Give a long answer / essay its points (0..the question's points) and feedback, then
    recompute the attempt. Grading again replaces the earlier grade."""
    attempt = await _attempt(session, course, attempt_uuid)
    row = (
        await session.execute(
            select(QuizAnswer, QuizQuestion)
            .join(QuizQuestion, QuizQuestion.id == QuizAnswer.question_id)
            .where(QuizAnswer.id == answer_id, QuizAnswer.attempt_id == attempt.id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("no such answer in this attempt", code="answer_not_found")
    answer, question = row
    _require_submitted(attempt)
    if question.type not in grading.MANUAL_TYPES:
        raise Conflict(
            f"a {question.type.value} question is graded automatically: correct its key "
            "instead (past attempts are regraded)",
            code="graded_automatically",
        )
    if not grading.has_content(question, answer):
        raise Conflict("the learner wrote nothing: there is nothing to grade", code="empty_answer")
    if points > question.points:
        raise InvalidInput(
            f"the question is worth {question.points} points",
            field="body.points",
            code="points_above_maximum",
            extra={"max_points": str(question.points)},
        )
    now = utcnow()
    # The attempt's row first: parallel gradings of one attempt queue up on its lock, so
    # each recomputes the totals with the others' grades in view.
    await session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id)
        .values(graded_by=grader.id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    # What a grading committed meanwhile (read before the lock) counts from here on.
    await session.refresh(attempt, ["status", "graded_by", "graded_at", "submitted_at", "feedback"])
    # The time of the grading that completes the attempt (finish_attempt keeps a set
    # graded_at when the attempt is graded, clears it while something is left to grade).
    set_committed_value(attempt, "graded_at", now)
    grading.record_manual_grade(answer, question, points, feedback, now)
    await session.flush()
    was = attempt.status
    await grading.finish_attempt(session, attempt, now)
    await session.flush()
    if was == QuizAttemptStatus.SUBMITTED and attempt.status == QuizAttemptStatus.GRADED:
        await events.publish(session, QuizGraded(attempt.id, attempt.user_id, course.id))
    return await _view(session, attempt)


async def set_feedback(
    session: AsyncSession, course: Course, attempt_uuid: uuid.UUID, feedback: str | None
) -> AttemptView:
    """The instructors' feedback on the whole attempt (null clears it)."""
    attempt = await _attempt(session, course, attempt_uuid)
    _require_submitted(attempt)
    await session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id)
        .values(feedback=feedback, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    set_committed_value(attempt, "feedback", feedback)
    return await _view(session, attempt)
