"""The shape of a learner's answer for each question type, checked before it is stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lectern.errors import InvalidInput
from lectern.models import (
    QuizOption,
    QuizQuestion,
    QuizQuestionType,
)
from lectern.quizzes import keys
from lectern.quizzes.scoring import (
    CHOICE_TYPES,
    ONE_PICK_TYPES,
    TEXT_TYPES,
)

# The longest answer text, and the longest short answer or blank.
MAX_TEXT = 50_000
MAX_SHORT_TEXT = 1_000


def _bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, field=f"body.{name}", code="invalid_answer")


def answer_values(
    question: QuizQuestion, options: Sequence[QuizOption], given: dict[str, Any]
) -> dict[str, Any]:
    """The stored columns for a learner's answer (only the fields given), validated for the
    question's type (422 ``invalid_answer`` naming the field)."""
    kind = question.type
    allowed: set[str]
    if kind in CHOICE_TYPES:
        allowed = {"selected_options"}
    elif kind in TEXT_TYPES:
        allowed = {"text_answer"}
    elif kind in (QuizQuestionType.FILL_BLANK, QuizQuestionType.MATCHING):
        allowed = {"matching_answer"}
    else:
        allowed = {"order_answer"}
    values: dict[str, Any] = {}
    option_ids = {o.id for o in options}
    for name, value in given.items():
        if name == "is_flagged":
            values[name] = bool(value)
            continue
        if name not in allowed:
            raise _bad(f"a {kind.value} question is not answered with {name}", name)
        if value is None:
            values[name] = None
            continue
        if name == "selected_options":
            if not isinstance(value, list) or len(set(value)) != len(value):
                raise _bad("pick each option at most once", name)
            if not set(value) <= option_ids:
                raise InvalidInput(
                    "an option that is not one of this question's",
                    field=f"body.{name}",
                    code="option_not_in_question",
                )
            if kind in ONE_PICK_TYPES and len(value) > 1:
                raise _bad("this question takes one option", name)
            values[name] = list(value)
        elif name == "text_answer":
            if not isinstance(value, str):
                raise _bad("a text is expected", name)
            limit = MAX_SHORT_TEXT if kind == QuizQuestionType.SHORT_ANSWER else MAX_TEXT
            if len(value) > limit:
                raise _bad(f"at most {limit} characters", name)
            most = keys.effective_settings(kind, question.settings).get("max_words")
            if most is not None and len(value.split()) > int(most):
                raise _bad(f"at most {most} words", name)
            values[name] = value
        elif name == "matching_answer":
            values[name] = _pairs(question, options, value, name)
        elif name == "order_answer":
            if (
                not isinstance(value, list)
                or len(value) != len(option_ids)
                or set(value) != option_ids
            ):
                raise InvalidInput(
                    "order every option of this question exactly once",
                    field=f"body.{name}",
                    code="option_not_in_question"
                    if isinstance(value, list) and not set(value) <= option_ids
                    else "invalid_answer",
                )
            values[name] = list(value)
    return values


def _pairs(
    question: QuizQuestion, options: Sequence[QuizOption], value: Any, name: str
) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _bad("an object is expected", name)
    out: dict[str, str] = {}
    if question.type == QuizQuestionType.FILL_BLANK:
        blanks = set(keys.blank_ids(question.question))
        for key, text in value.items():
            if str(key) not in blanks:
                raise _bad(f"this question has no blank {key!r}", name)
            if not isinstance(text, str) or len(text) > MAX_SHORT_TEXT:
                raise _bad(f"blank {key!r}: a text of at most {MAX_SHORT_TEXT} characters", name)
            out[str(key)] = text
        return out
    ids = {str(o.id) for o in options}
    texts = {o.match_with for o in options if o.match_with}
    for key, text in value.items():
        if str(key) not in ids:
            raise InvalidInput(
                "an option that is not one of this question's",
                field=f"body.{name}",
                code="option_not_in_question",
            )
        if not isinstance(text, str) or text not in texts:
            raise _bad("pair each option with one of the offered choices", name)
        out[str(key)] = text
    return out
