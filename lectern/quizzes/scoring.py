"""Grading: an answer against its question's key, and an attempt's totals.

The stored shapes are those of ``lectern/quizzes/keys.py`` (questions) and of the answers
contract: choice types keep ``selected_options`` (option ids), short / long answers and essays
``text_answer``, fill_blank ``matching_answer`` {"1": "text"}, matching ``matching_answer``
{"<option id>": "<match_with chosen>"}, ordering ``order_answer`` (option ids in order).

Rules
    - single_choice, true_false, image_choice: right when exactly the correct option is picked.
    - multiple_choice: right when the picks are exactly the correct options; with
      ``settings.partial_credit`` the share is max(0, (right picks - wrong picks) / correct
      options).
    - short_answer: right when the text equals one of ``settings.accepted_answers`` after
      trimming and collapsing whitespace; case-insensitive unless ``settings.case_sensitive``.
    - fill_blank: each blank of ``settings.blanks`` is compared like a short answer with its
      accepted alternatives; right when every blank is; partial credit: share of right blanks.
    - matching: each option's chosen text against its ``match_with`` (whitespace collapsed,
      case-sensitive: the learner picks from the offered texts); partial credit: share of
      right pairs.
    - ordering: the correct order is the options' (``order``, id); partial credit: share of
      options in their correct position.
    - long_answer, essay: graded by hand (``manual``).
    Points are ``points * share`` rounded to hundredths (half up); without partial credit a
    share below 1 earns nothing. ``is_correct`` means full marks: partial credit earns points
    but counts the answer as wrong in the attempt's counts.

Manual answers (the contract with the instructors' grading)
    An answer to a long_answer / essay question is *graded* once its ``graded_at`` is set
    (``record_manual_grade``, with the instructor's points and feedback). An ungraded manual
    answer that has content keeps its attempt ``submitted``; an empty one is skipped (0
    points, nothing to grade).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lectern.learning.access import is_live
from lectern.learning.progress.service import complete_lesson
from lectern.models import (
    Enrollment,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizOption,
    QuizQuestion,
    QuizQuestionType,
)
from lectern.quizzes import keys

HUNDREDTH = Decimal("0.01")
ZERO = Decimal(0)

CHOICE_TYPES = frozenset(
    {
        QuizQuestionType.SINGLE_CHOICE,
        QuizQuestionType.MULTIPLE_CHOICE,
        QuizQuestionType.TRUE_FALSE,
        QuizQuestionType.IMAGE_CHOICE,
    }
)
ONE_PICK_TYPES = CHOICE_TYPES - {QuizQuestionType.MULTIPLE_CHOICE}
TEXT_TYPES = frozenset(
    {QuizQuestionType.SHORT_ANSWER, QuizQuestionType.LONG_ANSWER, QuizQuestionType.ESSAY}
)
MANUAL_TYPES = frozenset({QuizQuestionType.LONG_ANSWER, QuizQuestionType.ESSAY})

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Graded:
    points: Decimal
    is_correct: bool
    # long_answer / essay: the points are the instructor's (0 until graded).
    manual: bool = False


# -- helpers ----------------------------------------------------------------------------------


def collapse(text: str) -> str:
    """Trimmed, with every run of whitespace made one space."""
    return _SPACES.sub(" ", text).strip()


def _normal(text: Any, case_sensitive: bool) -> str:
    return keys.normalize_answer(text, case_sensitive) if isinstance(text, str) else ""


def _setting(question: QuizQuestion, name: str, default: Any) -> Any:
    settings = question.settings or {}
    return settings.get(name, default)


def _earned(points: Decimal, share: Decimal, partial: bool) -> Graded:
    if share >= 1:
        return Graded(points, True)
    if not partial or share <= 0:
        return Graded(ZERO, False)
    return Graded((points * share).quantize(HUNDREDTH, rounding=ROUND_HALF_UP), False)


def percentage_of(earned: Decimal, total: Decimal) -> Decimal:
    """``earned`` as a percentage of ``total``, to the hundredth, halves rounded up."""
    return (earned * 100 / total).quantize(HUNDREDTH, rounding=ROUND_HALF_UP) if total > 0 else ZERO


def _share(right: int, total: int) -> Decimal:
    return Decimal(right) / Decimal(total) if total > 0 else ZERO


def _ids(values: Any) -> list[int]:
    if not isinstance(values, list):
        return []
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def correct_order(options: Sequence[QuizOption]) -> list[int]:
    """The option ids of an ordering question in their correct order."""
    return [o.id for o in sorted(options, key=lambda o: (o.order, o.id))]


def has_content(question: QuizQuestion, answer: QuizAnswer | None) -> bool:
    """Whether the learner answered (a skipped question has no answer or an empty one)."""
    if answer is None:
        return False
    kind = question.type
    if kind in CHOICE_TYPES:
        return bool(_ids(answer.selected_options))
    if kind in TEXT_TYPES:
        return bool(answer.text_answer and answer.text_answer.strip())
    if kind in (QuizQuestionType.FILL_BLANK, QuizQuestionType.MATCHING):
        values = answer.matching_answer or {}
        return any(isinstance(v, str) and v.strip() for v in values.values())
    if kind == QuizQuestionType.ORDERING:
        return bool(_ids(answer.order_answer))
    return False


def is_manually_graded(answer: QuizAnswer) -> bool:
    """An essay / long answer an instructor has graded (see the module's docstring)."""
    return answer.graded_at is not None


def record_manual_grade(
    answer: QuizAnswer,
    question: QuizQuestion,
    points: Decimal,
    feedback: str | None,
    now: datetime,
) -> None:
    """Store an instructor's grade of a manual answer on the ORM row (flush, then call
    ``finish_attempt``): points (0..question points), feedback, is_correct when full marks,
    ``graded_at``."""
    points = points.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    answer.points_earned = points
    answer.feedback = feedback
    answer.is_correct = points >= question.points
    answer.graded_at = now


# -- one answer -------------------------------------------------------------------------------


def grade_answer(
    question: QuizQuestion, options: Sequence[QuizOption], answer: QuizAnswer | None
) -> Graded:
    """The points an answer earns against its question's key (``options``: the question's)."""
    points = question.points
    kind = question.type
    if kind in MANUAL_TYPES:
        if answer is None or not is_manually_graded(answer):
            return Graded(ZERO, False, manual=True)
        earned = min(max(answer.points_earned, ZERO), points)
        return Graded(earned, earned >= points and has_content(question, answer), manual=True)
    if answer is None or not has_content(question, answer):
        return Graded(ZERO, False)
    partial = keys.partial_credit(kind, question.settings)

    if kind in ONE_PICK_TYPES:
        picks = set(_ids(answer.selected_options))
        correct = {o.id for o in options if o.is_correct}
        return _earned(points, Decimal(1 if picks == correct else 0), False)

    if kind == QuizQuestionType.MULTIPLE_CHOICE:
        picks = set(_ids(answer.selected_options)) & {o.id for o in options}
        correct = {o.id for o in options if o.is_correct}
        if picks == correct:
            return Graded(points, True)
        right, wrong = len(picks & correct), len(picks - correct)
        share = max(ZERO, _share(right - wrong, len(correct)))
        return _earned(points, share, partial)

    if kind == QuizQuestionType.SHORT_ANSWER:
        case = bool(_setting(question, "case_sensitive", False))
        accepted = {_normal(a, case) for a in _setting(question, "accepted_answers", []) or []}
        given = _normal(answer.text_answer, case)
        return _earned(points, Decimal(1 if given and given in accepted else 0), False)

    if kind == QuizQuestionType.FILL_BLANK:
        case = bool(_setting(question, "case_sensitive", False))
        blanks: Mapping[str, Any] = _setting(question, "blanks", {}) or {}
        given_blanks = answer.matching_answer or {}
        right = 0
        for blank, alternatives in blanks.items():
            accepted = {_normal(a, case) for a in alternatives or []}
            value = _normal(given_blanks.get(str(blank)), case)
            right += 1 if value and value in accepted else 0
        return _earned(points, _share(right, len(blanks)), partial)

    if kind == QuizQuestionType.MATCHING:
        pairs = answer.matching_answer or {}
        right = 0
        for option in options:
            chosen = pairs.get(str(option.id))
            if isinstance(chosen, str) and collapse(chosen) == collapse(option.match_with or ""):
                right += 1
        return _earned(points, _share(right, len(options)), partial)

    if kind == QuizQuestionType.ORDERING:
        expected = correct_order(options)
        placed = _ids(answer.order_answer)
        right = sum(
            1 for i, option_id in enumerate(expected) if i < len(placed) and placed[i] == option_id
        )
        return _earned(points, _share(right, len(expected)), partial)

    return Graded(ZERO, False)


# -- an attempt -------------------------------------------------------------------------------


def deadline(quiz: Quiz, attempt: QuizAttempt) -> datetime | None:
    """When the attempt's time is up (without the grace the routes allow), or None."""
    if not quiz.time_limit:
        return None
    return attempt.started_at + timedelta(minutes=quiz.time_limit)


async def load_key(
    session: AsyncSession, quiz_id: int
) -> tuple[list[QuizQuestion], dict[int, list[QuizOption]]]:
    """A quiz's questions in order and each one's options in order (two statements)."""
    questions = list(
        await session.scalars(
            select(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz_id)
            .order_by(QuizQuestion.order, QuizQuestion.id)
        )
    )
    options_of: dict[int, list[QuizOption]] = {q.id: [] for q in questions}
    for option in await session.scalars(
        select(QuizOption)
        .join(QuizQuestion, QuizQuestion.id == QuizOption.question_id)
        .where(QuizQuestion.quiz_id == quiz_id)
        .order_by(QuizOption.order, QuizOption.id)
    ):
        options_of[option.question_id].append(option)
    return questions, options_of


@dataclass(frozen=True)
class Totals:
    """An attempt's recomputed columns, and the answers whose grade changed (bulk UPDATE
    rows; the loaded answer objects are already set to match)."""

    values: dict[str, Any]
    changed_answers: list[dict[str, Any]]

    @property
    def status(self) -> QuizAttemptStatus:
        return QuizAttemptStatus(self.values["status"])


def attempt_totals(
    quiz: Quiz,
    questions: Sequence[QuizQuestion],
    options_of: Mapping[int, Sequence[QuizOption]],
    answers: Mapping[int, QuizAnswer],
    attempt: QuizAttempt,
    now: datetime,
) -> Totals:
    """The rules of an attempt's totals, from rows already loaded (no SQL):

    - every answer is graded again against the current key (manual ones keep their grade);
    - counts: answered = questions with content, correct = full marks, wrong = answered but
      not full marks (partial credit included; an ungraded manual answer counts as neither
      correct nor wrong until graded), skipped = the rest;
    - score_total = the quiz's questions' points now; percentage = earned / total * 100 (0
      for a quiz worth nothing), rounded to hundredths;
    - status: ``submitted`` while a manual answer with content is ungraded, else ``graded``;
      ``expired`` when the attempt was closed for time (``attempt.status`` already expired)
      with nothing answered;
    - is_passed: graded and percentage ≥ the quiz's passing_score;
    - submitted_at (if not set) = now; time_spent = submitted_at - started_at (seconds);
      graded_at = now when it becomes graded (kept when it already was).
    """
    changed: list[dict[str, Any]] = []
    answered = correct = wrong = 0
    pending = False
    earned = ZERO
    total = ZERO
    for question in questions:
        total += question.points
        answer = answers.get(question.id)
        graded = grade_answer(question, options_of[question.id], answer)
        if answer is not None and (
            answer.points_earned != graded.points or answer.is_correct != graded.is_correct
        ):
            changed.append(
                {"id": answer.id, "points_earned": graded.points, "is_correct": graded.is_correct}
            )
            # A bulk UPDATE leaves loaded objects as they were: keep them in step.
            set_committed_value(answer, "points_earned", graded.points)
            set_committed_value(answer, "is_correct", graded.is_correct)
        if not has_content(question, answer):
            continue
        answered += 1
        earned += graded.points
        if graded.manual and answer is not None and not is_manually_graded(answer):
            pending = True
        elif graded.is_correct:
            correct += 1
        else:
            wrong += 1
    percentage = percentage_of(earned, total)
    if attempt.status == QuizAttemptStatus.EXPIRED and answered == 0:
        status = QuizAttemptStatus.EXPIRED
    else:
        status = QuizAttemptStatus.SUBMITTED if pending else QuizAttemptStatus.GRADED
    submitted_at = attempt.submitted_at or now
    values: dict[str, Any] = {
        "total_questions": len(questions),
        "answered_questions": answered,
        "correct_questions": correct,
        "wrong_questions": wrong,
        "skipped_questions": len(questions) - answered,
        "score_earned": earned,
        "score_total": total,
        "percentage": percentage,
        "is_passed": status == QuizAttemptStatus.GRADED and percentage >= quiz.passing_score,
        "status": status,
        "submitted_at": submitted_at,
        "time_spent": max(0, int((submitted_at - attempt.started_at).total_seconds())),
        "graded_at": (attempt.graded_at or now) if status == QuizAttemptStatus.GRADED else None,
    }
    return Totals(values, changed)


def completes_lesson(quiz: Quiz, status: QuizAttemptStatus, is_passed: bool) -> bool:
    """An attempt in this state completes the quiz's lesson: graded and passed, or graded
    at all for a quiz that is not required."""
    return status == QuizAttemptStatus.GRADED and (is_passed or not quiz.is_required)


async def finish_attempt(session: AsyncSession, attempt: QuizAttempt, now: datetime) -> None:
    """(Re)grade ``attempt`` and recompute its totals and status (``attempt_totals``).

    Five statements whatever the size: the quiz, its questions, their options, the attempt's
    answers; the changed answers in one bulk UPDATE, the attempt in one UPDATE (and lesson
    completion when the attempt completes the lesson — ``completes_lesson`` — and has a live
    enrollment).
    """
    quiz = await session.get_one(Quiz, attempt.quiz_id)
    questions, options_of = await load_key(session, attempt.quiz_id)
    answers = {
        a.question_id: a
        for a in await session.scalars(
            select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id)
        )
    }
    totals = attempt_totals(quiz, questions, options_of, answers, attempt, now)
    if totals.changed_answers:
        await session.execute(update(QuizAnswer), totals.changed_answers)
    await session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id)
        .values(**totals.values, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    for name, value in totals.values.items():
        set_committed_value(attempt, name, value)
    if (
        completes_lesson(quiz, totals.status, bool(totals.values["is_passed"]))
        and quiz.lesson_id is not None
        and attempt.enrollment_id is not None
    ):
        await _complete_lesson(session, attempt.enrollment_id, quiz.lesson_id, now)


async def _complete_lesson(
    session: AsyncSession, enrollment_id: int, lesson_id: int, now: datetime
) -> None:
    enrollment = await session.get(Enrollment, enrollment_id)
    if enrollment is None or not is_live(enrollment, now):
        return
    await complete_lesson(session, enrollment, lesson_id)
