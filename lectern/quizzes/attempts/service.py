"""Taking a quiz: the learner's view, attempts, saving answers, submitting, reviewing.

Who
    Users entitled to the course (a live enrollment, or the course's staff previewing — their
    attempts have no enrollment and complete nothing). A quiz that sits in a lesson needs
    that lesson open (drip). Unpublished quizzes are 404s for learners (staff may preview).
    An attempt is only ever its owner's: anyone else's is a 404.

Starting
    ``attempt_number`` = the learner's highest number + 1, inserted under the unique key
    (user, quiz, attempt_number): two parallel starts cannot both take the same number, so
    ``max_attempts`` (0 = unlimited) holds under races; a start that collides tries again (at
    most ``START_TRIES`` times, then 409 ``busy``). Only one attempt is in progress at a time:
    starting while one is open answers that one (200) instead of a new one (201). The open
    attempt and the highest number are read in one statement (one snapshot).

Order
    Questions (``randomize_questions``) and options (``randomize_options``) are shuffled with
    ``random.Random`` seeded from the attempt's uuid (and the question id): every reload of
    an attempt shows the same order and nothing is stored. Matching questions always offer
    their ``match_with`` texts as a separate, shuffled ``choices`` list (never lined up with
    the options they pair with); ordering questions
    always show their options shuffled, never in the correct order.

Time limit
    deadline = started_at + time_limit minutes; requests get ``GRACE`` more (network
    latency). Past it, saving an answer or submitting is 409 ``time_up``, and the attempt is
    closed and graded with what was saved (that closing is committed with the refusal). Any
    request that reads an overdue open attempt closes it the same way, and the periodic job
    ``quizzes.close_overdue_attempts`` closes the rest. A closed-for-time attempt gets
    ``submitted_at`` = its deadline and the usual status (graded, or submitted while essays
    wait); it is ``expired`` only when nothing at all was answered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import (
    CourseAccess,
    Standing,
    course_access,
    learner_course,
    lesson_plan,
    require_open,
)
from lectern.models import (
    Course,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizOption,
    QuizQuestion,
    QuizQuestionType,
    User,
)
from lectern.quizzes import keys
from lectern.quizzes.attempts.answers import answer_values
from lectern.quizzes.attempts.shuffles import match_choices, option_order, question_order
from lectern.quizzes.scoring import (
    correct_order,
    deadline,
    finish_attempt,
    load_key,
)

GRACE = timedelta(seconds=10)
START_TRIES = 3
CLOSE_BATCH = 200


# -- loading ----------------------------------------------------------------------------------


@dataclass
class LearnerQuiz:
    course: Course
    access: CourseAccess
    quiz: Quiz


async def learner_quiz(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, quiz_uuid: uuid.UUID
) -> LearnerQuiz:
    """The quiz for an entitled user (404 / 403 as the module's docstring says)."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    quiz = await session.scalar(
        select(Quiz).where(Quiz.uuid == quiz_uuid, Quiz.course_id == course.id)
    )
    if quiz is None or (not quiz.is_published and access.standing is not Standing.STAFF):
        raise NotFound("no such quiz")
    if quiz.lesson_id is not None:
        require_open(await lesson_plan(session, course, access), quiz.lesson_id)
    return LearnerQuiz(course, access, quiz)


async def my_attempt(
    session: AsyncSession, user: User, attempt_uuid: uuid.UUID
) -> tuple[QuizAttempt, Quiz]:
    """The user's own attempt and its quiz (404 for anyone else's); the user must still be
    entitled to the course (403 otherwise)."""
    row = (
        await session.execute(
            select(QuizAttempt, Quiz)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .where(QuizAttempt.uuid == attempt_uuid, QuizAttempt.user_id == user.id)
        )
    ).first()
    if row is None:
        raise NotFound("no such attempt")
    attempt, quiz = row
    course = await session.get_one(Course, quiz.course_id)
    (await course_access(session, user, course)).require()
    return attempt, quiz


def attempt_deadline(quiz: Quiz, attempt: QuizAttempt) -> datetime | None:
    return deadline(quiz, attempt)


def is_overdue(quiz: Quiz, attempt: QuizAttempt, now: datetime) -> bool:
    end = deadline(quiz, attempt)
    return attempt.status == QuizAttemptStatus.IN_PROGRESS and end is not None and now > end + GRACE


async def close_for_time(
    session: AsyncSession, attempt: QuizAttempt, quiz: Quiz, now: datetime
) -> bool:
    """Close an overdue open attempt and grade it as it stands; True when this call did."""
    end = deadline(quiz, attempt) or now
    closed = await session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == QuizAttemptStatus.IN_PROGRESS)
        .values(status=QuizAttemptStatus.EXPIRED, submitted_at=end, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(closed) == 0:
        await session.refresh(attempt)
        return False
    attempt.status = QuizAttemptStatus.EXPIRED
    attempt.submitted_at = end
    await finish_attempt(session, attempt, now)
    return True


async def close_if_overdue(
    session: AsyncSession, attempt: QuizAttempt, quiz: Quiz, now: datetime
) -> bool:
    if is_overdue(quiz, attempt, now):
        return await close_for_time(session, attempt, quiz, now)
    return False


# -- the quiz and its attempts ----------------------------------------------------------------


async def quiz_for_learner(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, quiz_uuid: uuid.UUID
) -> tuple[Quiz, list[QuizAttempt]]:
    """The quiz and the user's attempts (an overdue open one is closed first)."""
    found = await learner_quiz(session, user, course_uuid, quiz_uuid)
    now = utcnow()
    attempts = await _attempts_of(session, user.id, found.quiz.id)
    for attempt in attempts:
        await close_if_overdue(session, attempt, found.quiz, now)
    return found.quiz, attempts


async def _attempts_of(session: AsyncSession, user_id: int, quiz_id: int) -> list[QuizAttempt]:
    return list(
        await session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.attempt_number)
        )
    )


@dataclass
class Started:
    attempt: QuizAttempt
    quiz: Quiz
    created: bool


async def start_attempt(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, quiz_uuid: uuid.UUID
) -> Started:
    found = await learner_quiz(session, user, course_uuid, quiz_uuid)
    quiz = found.quiz
    if quiz.total_questions == 0:
        raise Conflict("this quiz has no questions yet", code="quiz_empty")
    now = utcnow()
    for _ in range(START_TRIES):
        highest, open_id = (
            await session.execute(
                select(
                    func.coalesce(func.max(QuizAttempt.attempt_number), 0),
                    func.max(
                        case(
                            (QuizAttempt.status == QuizAttemptStatus.IN_PROGRESS, QuizAttempt.id),
                            else_=None,
                        )
                    ),
                ).where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
            )
        ).one()
        if open_id is not None:
            attempt = await session.get_one(QuizAttempt, open_id)
            closed = await close_if_overdue(session, attempt, quiz, now)
            if not closed and attempt.status == QuizAttemptStatus.IN_PROGRESS:
                return Started(attempt, quiz, created=False)
            continue
        number = int(highest) + 1
        if quiz.max_attempts and number > quiz.max_attempts:
            raise Conflict(
                f"this quiz allows {quiz.max_attempts} attempts",
                code="max_attempts_reached",
                extra={"max_attempts": quiz.max_attempts},
            )
        new_uuid = uuid.uuid4()
        inserted = await insert_ignore(
            session,
            QuizAttempt,
            {
                "uuid": new_uuid,
                "user_id": user.id,
                "quiz_id": quiz.id,
                "enrollment_id": found.access.enrollment.id
                if found.access.enrollment is not None
                else None,
                "attempt_number": number,
                "started_at": now,
                "status": QuizAttemptStatus.IN_PROGRESS,
                "total_questions": quiz.total_questions,
                "score_total": quiz.total_points,
                "created_at": now,
                "updated_at": now,
            },
            ["user_id", "quiz_id", "attempt_number"],
        )
        if inserted:
            created = await session.scalar(select(QuizAttempt).where(QuizAttempt.uuid == new_uuid))
            assert created is not None
            return Started(created, quiz, created=True)
    raise Conflict("another start of this quiz is under way; try again", code="busy")


# -- the attempt's questions ------------------------------------------------------------------


@dataclass
class ShownQuestion:
    number: int
    question: QuizQuestion
    options: list[QuizOption]
    choices: list[str] = field(default_factory=list)
    blanks: list[str] = field(default_factory=list)
    answer: QuizAnswer | None = None


@dataclass
class AttemptPage:
    attempt: QuizAttempt
    quiz: Quiz
    deadline: datetime | None
    page: int
    pages: int
    questions: list[ShownQuestion]


async def _answers(session: AsyncSession, attempt_id: int) -> dict[int, QuizAnswer]:
    return {
        a.question_id: a
        for a in await session.scalars(
            select(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id)
        )
    }


async def attempt_page(
    session: AsyncSession, user: User, attempt_uuid: uuid.UUID, page: int
) -> AttemptPage:
    attempt, quiz = await my_attempt(session, user, attempt_uuid)
    await close_if_overdue(session, attempt, quiz, utcnow())
    questions, options = await load_key(session, quiz.id)
    ordered = question_order(quiz, attempt.uuid, questions)
    size = quiz.questions_per_page or max(len(ordered), 1)
    pages = max(1, -(-len(ordered) // size))
    if page > pages:
        raise InvalidInput(f"this attempt has {pages} page(s)", field="page")
    answers = await _answers(session, attempt.id)
    shown = []
    for index, question in enumerate(ordered[(page - 1) * size : page * size]):
        opts = option_order(quiz, attempt.uuid, question, options[question.id])
        shown.append(
            ShownQuestion(
                number=(page - 1) * size + index + 1,
                question=question,
                options=opts,
                choices=match_choices(attempt.uuid, question, opts)
                if question.type == QuizQuestionType.MATCHING
                else [],
                blanks=list(dict.fromkeys(keys.blank_ids(question.question)))
                if question.type == QuizQuestionType.FILL_BLANK
                else [],
                answer=answers.get(question.id),
            )
        )
    return AttemptPage(attempt, quiz, deadline(quiz, attempt), page, pages, shown)


# -- saving an answer -------------------------------------------------------------------------


def _time_up(quiz: Quiz) -> Conflict:
    return Conflict(
        f"the time limit of {quiz.time_limit} minutes is over; the attempt was submitted",
        code="time_up",
        keep_changes=True,
    )


async def save_answer(
    session: AsyncSession,
    user: User,
    attempt_uuid: uuid.UUID,
    question_id: int,
    given: dict[str, Any],
) -> tuple[QuizAnswer, QuizQuestion]:
    attempt, quiz = await my_attempt(session, user, attempt_uuid)
    now = utcnow()
    if attempt.status != QuizAttemptStatus.IN_PROGRESS:
        raise Conflict("this attempt is submitted", code="attempt_submitted")
    if await close_if_overdue(session, attempt, quiz, now):
        raise _time_up(quiz)
    question = await session.scalar(
        select(QuizQuestion).where(QuizQuestion.id == question_id, QuizQuestion.quiz_id == quiz.id)
    )
    if question is None:
        raise InvalidInput(
            "no such question in this quiz", field="path.question_id", code="question_not_in_quiz"
        )
    options = list(
        await session.scalars(select(QuizOption).where(QuizOption.question_id == question.id))
    )
    values = answer_values(question, options, given)
    # Hold the attempt (a row lock on PostgreSQL) while it is open: a parallel submit waits
    # for this answer, or this save sees the attempt closed.
    held = await session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == QuizAttemptStatus.IN_PROGRESS)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(held) == 0:
        raise Conflict("this attempt is submitted", code="attempt_submitted")
    await insert_ignore(
        session,
        QuizAnswer,
        {
            "attempt_id": attempt.id,
            "question_id": question.id,
            "created_at": now,
            "updated_at": now,
        },
        ["attempt_id", "question_id"],
    )
    if values:
        await session.execute(
            update(QuizAnswer)
            .where(QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == question.id)
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    answer = await session.scalar(
        select(QuizAnswer)
        .where(QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == question.id)
        .execution_options(populate_existing=True)
    )
    assert answer is not None
    return answer, question


# -- submitting -------------------------------------------------------------------------------


async def submit_attempt(
    session: AsyncSession, user: User, attempt_uuid: uuid.UUID
) -> tuple[QuizAttempt, Quiz]:
    attempt, quiz = await my_attempt(session, user, attempt_uuid)
    now = utcnow()
    if attempt.status != QuizAttemptStatus.IN_PROGRESS:
        raise Conflict("this attempt is already submitted", code="attempt_submitted")
    if await close_if_overdue(session, attempt, quiz, now):
        raise _time_up(quiz)
    claimed = await session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == QuizAttemptStatus.IN_PROGRESS)
        .values(status=QuizAttemptStatus.SUBMITTED, submitted_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) == 0:
        raise Conflict("this attempt is already submitted", code="attempt_submitted")
    attempt.status = QuizAttemptStatus.SUBMITTED
    attempt.submitted_at = now
    await finish_attempt(session, attempt, now)
    return attempt, quiz


# -- review -----------------------------------------------------------------------------------


@dataclass
class ReviewedQuestion:
    number: int
    question: QuizQuestion
    options: list[QuizOption]
    answer: QuizAnswer | None
    correct_order: list[int]


@dataclass
class Review:
    attempt: QuizAttempt
    quiz: Quiz
    questions: list[ReviewedQuestion]


async def review_attempt(session: AsyncSession, user: User, attempt_uuid: uuid.UUID) -> Review:
    attempt, quiz = await my_attempt(session, user, attempt_uuid)
    await close_if_overdue(session, attempt, quiz, utcnow())
    if attempt.status == QuizAttemptStatus.IN_PROGRESS:
        raise Conflict("submit the attempt to review it", code="attempt_in_progress")
    reviewed: list[ReviewedQuestion] = []
    if quiz.allow_review:
        questions, options = await load_key(session, quiz.id)
        answers = await _answers(session, attempt.id)
        for number, question in enumerate(question_order(quiz, attempt.uuid, questions), 1):
            opts = options[question.id]
            reviewed.append(
                ReviewedQuestion(
                    number=number,
                    question=question,
                    options=sorted(opts, key=lambda o: (o.order, o.id)),
                    answer=answers.get(question.id),
                    correct_order=correct_order(opts)
                    if question.type == QuizQuestionType.ORDERING
                    else [],
                )
            )
    return Review(attempt, quiz, reviewed)


# -- the periodic job's work ------------------------------------------------------------------


def _overdue_clause(dialect: str, now: datetime) -> Any:
    limit_end = now - GRACE
    if dialect == "postgresql":
        return QuizAttempt.started_at + Quiz.time_limit * literal(timedelta(minutes=1)) < limit_end
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" in UTC: compare in Julian days.
    return func.julianday(QuizAttempt.started_at) + cast(Quiz.time_limit, Float) / 1440.0 < (
        func.julianday(limit_end.replace(tzinfo=None).isoformat(sep=" "))
    )


async def close_overdue(session: AsyncSession, now: datetime | None = None) -> int:
    """Close and grade open attempts past their deadline (at most ``CLOSE_BATCH`` a run);
    how many this call closed."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    rows = (
        await session.execute(
            select(QuizAttempt, Quiz)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .where(
                QuizAttempt.status == QuizAttemptStatus.IN_PROGRESS,
                Quiz.time_limit.is_not(None),
                _overdue_clause(dialect, now),
            )
            .order_by(QuizAttempt.started_at)
            .limit(CLOSE_BATCH)
        )
    ).all()
    closed = 0
    for attempt, quiz in rows:
        if is_overdue(quiz, attempt, now) and await close_for_time(session, attempt, quiz, now):
            closed += 1
    return closed
