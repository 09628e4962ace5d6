"""Quiz factories: ``create_quiz`` and ``create_question`` (valid rows for all ten types).

``create_question(db, quiz, "matching")`` with no options/settings gives a sensible default
key for its type; pass ``options=[{...}, ...]`` (QuizOption fields; ``order`` defaults to the
position) and ``settings={...}`` to choose your own (validated by ``lectern.quizzes.keys``,
pass ``validate=False`` to store a broken shape on purpose). The quiz's ``total_points`` /
``total_questions`` are refreshed after each question (``refresh_quiz_totals``).
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lectern.models import Course
from lectern.models.quizzes import Quiz, QuizOption, QuizQuestion, QuizQuestionType
from lectern.quizzes import keys

_numbers = itertools.count(1)

DEFAULTS: dict[str, tuple[str, list[dict[str, Any]], dict[str, Any] | None]] = {
    "single_choice": (
        "Which is a prime?",
        [
            {"option_text": "4"},
            {"option_text": "7", "is_correct": True},
            {"option_text": "9"},
        ],
        None,
    ),
    "multiple_choice": (
        "Which are even?",
        [
            {"option_text": "2", "is_correct": True},
            {"option_text": "3"},
            {"option_text": "4", "is_correct": True},
            {"option_text": "5"},
        ],
        {"partial_credit": False},
    ),
    "true_false": (
        "The sky is blue.",
        [{"option_text": "True", "is_correct": True}, {"option_text": "False"}],
        None,
    ),
    "short_answer": (
        "Capital of France?",
        [],
        {"accepted_answers": ["Paris"], "case_sensitive": False},
    ),
    "long_answer": ("Explain recursion.", [], None),
    "essay": ("Write about your week.", [], {"min_words": 10, "max_words": 500}),
    "fill_blank": (
        "The {{1}} is red and the {{2}} is blue.",
        [],
        {"blanks": {"1": ["rose", "roses"], "2": ["sky"]}, "case_sensitive": False},
    ),
    "matching": (
        "Match the country to its capital.",
        [
            {"option_text": "France", "match_with": "Paris"},
            {"option_text": "Italy", "match_with": "Rome"},
            {"option_text": "Spain", "match_with": "Madrid"},
        ],
        {"partial_credit": True},
    ),
    "ordering": (
        "Order from smallest to largest.",
        [{"option_text": "1"}, {"option_text": "10"}, {"option_text": "100"}],
        {"partial_credit": False},
    ),
    "image_choice": (
        "Which picture shows a cat?",
        [
            {"option_text": "", "image": "https://cdn.example.test/dog.png"},
            {"option_text": "", "image": "https://cdn.example.test/cat.png", "is_correct": True},
        ],
        None,
    ),
}


async def create_quiz(session: AsyncSession, course: Course, **values: Any) -> Quiz:
    n = next(_numbers)
    values.setdefault("title", f"Quiz {n}")
    quiz = Quiz(course_id=course.id, **values)
    session.add(quiz)
    await session.flush()
    return quiz


async def refresh_quiz_totals(session: AsyncSession, quiz: Quiz) -> None:
    """Recompute ``quiz.total_points`` / ``total_questions`` from its questions (and set
    them on the loaded object)."""
    await session.flush()
    points, count = (
        await session.execute(
            select(
                func.coalesce(func.sum(QuizQuestion.points), 0), func.count(QuizQuestion.id)
            ).where(QuizQuestion.quiz_id == quiz.id)
        )
    ).one()
    await session.execute(
        update(Quiz)
        .where(Quiz.id == quiz.id)
        .values(total_points=points, total_questions=count)
        .execution_options(synchronize_session=False)
    )
    quiz.total_points = Decimal(points).quantize(Decimal("0.01"))
    quiz.total_questions = int(count)


async def create_question(
    session: AsyncSession,
    quiz: Quiz,
    type: str | QuizQuestionType = "single_choice",
    options: list[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
    *,
    validate: bool = True,
    **values: Any,
) -> QuizQuestion:
    """A question of ``type`` with its options (``question.options`` is set, loaded)."""
    kind = QuizQuestionType(type)
    text, default_options, default_settings = DEFAULTS[kind.value]
    if options is None:
        options = [dict(o) for o in default_options]
    if settings is None and not (kind is QuizQuestionType.FILL_BLANK and "question" in values):
        settings = default_settings
    values.setdefault("question", text)
    if "order" not in values:
        values["order"] = (
            await session.scalar(
                select(func.count(QuizQuestion.id)).where(QuizQuestion.quiz_id == quiz.id)
            )
        ) or 0
    if validate:
        specs = [
            keys.OptionSpec(
                option_text=o.get("option_text", ""),
                is_correct=o.get("is_correct", False),
                image=o.get("image"),
                match_with=o.get("match_with"),
            )
            for o in options
        ]
        settings = keys.validate_question(kind, values["question"], settings, specs)
    question = QuizQuestion(quiz_id=quiz.id, type=kind, settings=settings, **values)
    session.add(question)
    await session.flush()
    rows = []
    for i, spec in enumerate(options):
        spec = dict(spec)
        spec.setdefault("order", i)
        spec.setdefault("option_text", "")
        rows.append(QuizOption(question_id=question.id, **spec))
    session.add_all(rows)
    await session.flush()
    set_committed_value(question, "options", rows)  # loaded: no lazy load needed
    await refresh_quiz_totals(session, quiz)
    return question
