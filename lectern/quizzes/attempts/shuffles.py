"""The order an attempt shows questions and options in: shuffled as the quiz says, from the
attempt's uuid, so every reload agrees with nothing stored."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

from lectern.models import (
    Quiz,
    QuizOption,
    QuizQuestion,
    QuizQuestionType,
)


def _rng(attempt_uuid: uuid.UUID, salt: int = 0) -> random.Random:
    # Not for secrecy: a stable shuffle per attempt.
    return random.Random(attempt_uuid.int ^ (salt * 0x9E3779B97F4A7C15))  # noqa: S311


def question_order(
    quiz: Quiz, attempt_uuid: uuid.UUID, questions: Sequence[QuizQuestion]
) -> list[QuizQuestion]:
    ordered = sorted(questions, key=lambda q: (q.order, q.id))
    if quiz.randomize_questions:
        _rng(attempt_uuid).shuffle(ordered)
    return ordered


def option_order(
    quiz: Quiz, attempt_uuid: uuid.UUID, question: QuizQuestion, options: Sequence[QuizOption]
) -> list[QuizOption]:
    ordered = sorted(options, key=lambda o: (o.order, o.id))
    if question.type == QuizQuestionType.ORDERING:
        right = [o.id for o in ordered]
        _rng(attempt_uuid, question.id).shuffle(ordered)
        if [o.id for o in ordered] == right and len(ordered) > 1:
            ordered = ordered[1:] + ordered[:1]  # never the answer itself
    elif quiz.randomize_options:
        _rng(attempt_uuid, question.id).shuffle(ordered)
    return ordered


def match_choices(
    attempt_uuid: uuid.UUID, question: QuizQuestion, options: Sequence[QuizOption]
) -> list[str]:
    """The texts to pair ``options`` (in the order shown) with, shuffled; never lined up
    with the options they belong to, which would show the key."""
    texts = sorted({o.match_with for o in options if o.match_with})
    _rng(attempt_uuid, question.id + 1).shuffle(texts)
    if len(texts) > 1 and texts == [o.match_with for o in options]:
        texts = texts[1:] + texts[:1]
    return texts
