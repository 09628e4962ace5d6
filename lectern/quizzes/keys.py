"""The stored shape of each question type — the contract between authoring and grading.

``validate_question`` checks a question (type, text, settings, options) against the rules of
its type and returns its settings normalised (defaults filled in, unknown keys refused);
``effective_settings`` reads stored settings with their defaults without raising (for grading).

Shapes (quiz_questions.settings / quiz_options):

- single_choice, image_choice: ≥ 2 options, exactly one ``is_correct`` (image_choice: every
  option has an ``image``; its text may be empty). No settings.
- true_false: exactly two options, texts "True" and "False", exactly one ``is_correct``.
- multiple_choice: ≥ 2 options, ≥ 1 ``is_correct``; ``partial_credit`` (bool, false).
- short_answer: no options; ``accepted_answers`` (non-empty list of non-empty strings),
  ``case_sensitive`` (bool, false). Answers compare trimmed, whitespace collapsed.
- fill_blank: no options; the question text holds blanks ``{{1}}``, ``{{2}}``… (each id once);
  ``blanks``: {"1": ["answer", "alternative", …], …} with exactly the text's blank ids, each
  a non-empty list of non-empty strings; ``case_sensitive``, ``partial_credit`` (bool, false).
- matching: ≥ 2 options, each with a non-empty ``match_with``, unique within the question;
  ``partial_credit``.
- ordering: ≥ 2 options; the correct order is the options' ``order``; ``partial_credit``.
- long_answer, essay: no options, graded by hand; ``min_words`` / ``max_words`` (optional
  integers ≥ 0, min ≤ max).

``is_correct`` only means something for the choice types; elsewhere it must be false.
``match_with`` only for matching; ``image`` on options for any choice-like type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from lectern.errors import InvalidInput
from lectern.models.quizzes import QuizQuestionType as T

CHOICE_TYPES = frozenset({T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.TRUE_FALSE, T.IMAGE_CHOICE})
OPTION_TYPES = CHOICE_TYPES | {T.MATCHING, T.ORDERING}
NO_OPTION_TYPES = frozenset({T.SHORT_ANSWER, T.FILL_BLANK, T.LONG_ANSWER, T.ESSAY})
MANUAL_TYPES = frozenset({T.LONG_ANSWER, T.ESSAY})
PARTIAL_CREDIT_TYPES = frozenset({T.MULTIPLE_CHOICE, T.FILL_BLANK, T.MATCHING, T.ORDERING})

# Settings each type accepts, with their defaults (None: optional, absent by default).
_SETTINGS: dict[T, dict[str, Any]] = {
    T.SINGLE_CHOICE: {},
    T.IMAGE_CHOICE: {},
    T.TRUE_FALSE: {},
    T.MULTIPLE_CHOICE: {"partial_credit": False},
    T.SHORT_ANSWER: {"accepted_answers": [], "case_sensitive": False},
    T.FILL_BLANK: {"blanks": {}, "case_sensitive": False, "partial_credit": False},
    T.MATCHING: {"partial_credit": False},
    T.ORDERING: {"partial_credit": False},
    T.LONG_ANSWER: {"min_words": None, "max_words": None},
    T.ESSAY: {"min_words": None, "max_words": None},
}

MAX_OPTIONS = 50
MAX_ALTERNATIVES = 50
MAX_BLANKS = 50

BLANK_RE = re.compile(r"\{\{\s*(\d+)\s*\}\}")
_SPACES = re.compile(r"\s+")


class OptionLike(Protocol):
    """What validation reads of an option: a QuizOption row, a request body item or an
    ``OptionSpec``. Options are given in their order."""

    @property
    def option_text(self) -> str: ...
    @property
    def image(self) -> str | None: ...
    @property
    def is_correct(self) -> bool: ...
    @property
    def match_with(self) -> str | None: ...


@dataclass(frozen=True)
class OptionSpec:
    option_text: str = ""
    is_correct: bool = False
    image: str | None = None
    match_with: str | None = None
    feedback: str | None = None


def blank_ids(question_text: str) -> list[str]:
    """The blank ids of a fill_blank text in order of appearance (``"{{2}} {{1}}"`` →
    ``["2", "1"]``), leading zeros dropped, repeats kept (validation refuses them)."""
    return [str(int(m)) for m in BLANK_RE.findall(question_text)]


def normalize_answer(text: str, case_sensitive: bool = False) -> str:
    """A text answer as compared: trimmed, inner whitespace collapsed to one space, and
    case-folded unless ``case_sensitive``."""
    text = _SPACES.sub(" ", text).strip()
    return text if case_sensitive else text.casefold()


def effective_settings(type_: T | str, settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Stored settings with the type's defaults filled in (never raises; keys the type does
    not know are dropped). For grading: ``effective_settings(q.type, q.settings)``."""
    defaults = _SETTINGS[T(type_)]
    given = dict(settings or {})
    out: dict[str, Any] = {}
    for key, default in defaults.items():
        value = given.get(key, default)
        out[key] = value.copy() if isinstance(value, list | dict) else value
    return out


def partial_credit(type_: T | str, settings: Mapping[str, Any] | None) -> bool:
    return T(type_) in PARTIAL_CREDIT_TYPES and bool(
        effective_settings(type_, settings).get("partial_credit")
    )


def _fail(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field=field, code="invalid_question")


def _bool(settings: dict[str, Any], key: str) -> bool:
    value = settings.get(key, False)
    if not isinstance(value, bool):
        raise _fail(f"settings.{key}", f"settings.{key} must be true or false")
    return value


def _answers(value: Any, field: str, what: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _fail(field, f"{what} must be a non-empty list of strings")
    if len(value) > MAX_ALTERNATIVES:
        raise _fail(field, f"{what} can have at most {MAX_ALTERNATIVES} entries")
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(f"{field}.{i}", f"{what} must be non-empty strings")
        out.append(_SPACES.sub(" ", item).strip())
    return out


def _word_limit(settings: dict[str, Any], key: str) -> int | None:
    value = settings.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"settings.{key}", f"settings.{key} must be a whole number ≥ 0 or null")
    return value


def normalize_settings(
    type_: T | str, question_text: str, settings: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Validate ``settings`` for a question of ``type_`` and return them with defaults."""
    type_ = T(type_)
    given = dict(settings or {})
    known = _SETTINGS[type_]
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise _fail(
            f"settings.{unknown[0]}",
            f"unknown setting {unknown[0]!r} for a {type_.value} question"
            + (f" (accepted: {', '.join(sorted(known))})" if known else " (it takes none)"),
        )
    out: dict[str, Any] = {}
    for key, default in known.items():
        if isinstance(default, bool):
            out[key] = _bool(given, key)
    if type_ is T.SHORT_ANSWER:
        if "accepted_answers" not in given:
            raise _fail("settings.accepted_answers", "a short answer needs accepted_answers")
        out["accepted_answers"] = _answers(
            given["accepted_answers"], "settings.accepted_answers", "accepted_answers"
        )
    elif type_ is T.FILL_BLANK:
        out["blanks"] = _blanks(question_text, given.get("blanks"))
    elif type_ in MANUAL_TYPES:
        low, high = _word_limit(given, "min_words"), _word_limit(given, "max_words")
        if low is not None and high is not None and low > high:
            raise _fail("settings.max_words", "max_words must be ≥ min_words")
        out["min_words"], out["max_words"] = low, high
    return out


def _blanks(question_text: str, blanks: Any) -> dict[str, list[str]]:
    ids = blank_ids(question_text)
    if not ids:
        raise _fail("question", "a fill_blank question needs blanks {{1}}, {{2}}… in its text")
    if len(ids) > MAX_BLANKS:
        raise _fail("question", f"a question can have at most {MAX_BLANKS} blanks")
    seen: set[str] = set()
    for blank in ids:
        if blank in seen:
            raise _fail("question", f"blank {{{{{blank}}}}} appears more than once")
        seen.add(blank)
    if not isinstance(blanks, dict) or not blanks:
        raise _fail("settings.blanks", "settings.blanks must map each blank id to its answers")
    out: dict[str, list[str]] = {}
    for key, answers in blanks.items():
        norm = str(int(key)) if isinstance(key, str) and key.strip().isdigit() else None
        if norm is None or norm not in seen:
            raise _fail(f"settings.blanks.{key}", f"blank {key!r} is not in the question text")
        if norm in out:
            raise _fail(f"settings.blanks.{key}", f"blank {key!r} is given twice")
        out[norm] = _answers(answers, f"settings.blanks.{key}", f"the answers of blank {key}")
    missing = [b for b in ids if b not in out]
    if missing:
        raise _fail(
            f"settings.blanks.{missing[0]}",
            f"blank {{{{{missing[0]}}}}} of the text has no accepted answers in settings.blanks",
        )
    return {b: out[b] for b in ids}


def validate_options(type_: T | str, options: Sequence[OptionLike]) -> None:
    """Check the options of a question of ``type_`` (given in their order)."""
    type_ = T(type_)
    if type_ in NO_OPTION_TYPES:
        if options:
            raise _fail("options", f"a {type_.value} question has no options")
        return
    if len(options) > MAX_OPTIONS:
        raise _fail("options", f"a question can have at most {MAX_OPTIONS} options")
    if type_ is T.TRUE_FALSE:
        texts = sorted(o.option_text.strip().casefold() for o in options)
        if texts != ["false", "true"]:
            raise _fail(
                "options", 'a true_false question has exactly two options, "True" and "False"'
            )
    elif len(options) < 2:
        raise _fail("options", f"a {type_.value} question needs at least two options")
    for i, option in enumerate(options):
        if type_ is not T.IMAGE_CHOICE and not option.option_text.strip():
            raise _fail(f"options.{i}.option_text", "an option needs a text")
        if type_ is T.IMAGE_CHOICE and not option.image:
            raise _fail(
                f"options.{i}.image", "every option of an image_choice question needs an image"
            )
        if type_ is not T.MATCHING and option.match_with is not None:
            raise _fail(f"options.{i}.match_with", "match_with is only for matching questions")
        if type_ not in CHOICE_TYPES and option.is_correct:
            raise _fail(
                f"options.{i}.is_correct",
                f"is_correct means nothing for a {type_.value} question "
                + ("(the pairs are the key)" if type_ is T.MATCHING else "(the order is the key)"),
            )
    if type_ is T.MATCHING:
        seen: set[str] = set()
        for i, option in enumerate(options):
            match = (option.match_with or "").strip()
            if not match:
                raise _fail(f"options.{i}.match_with", "every matching option needs match_with")
            if match in seen:
                raise _fail(f"options.{i}.match_with", f"match_with {match!r} is used twice")
            seen.add(match)
    if type_ in CHOICE_TYPES:
        correct = sum(1 for o in options if o.is_correct)
        if type_ is T.MULTIPLE_CHOICE:
            if correct < 1:
                raise _fail(
                    "options", "a multiple_choice question needs at least one correct option"
                )
        elif correct != 1:
            raise _fail(
                "options",
                f"a {type_.value} question needs exactly one correct option (got {correct})",
            )


def validate_question(
    type_: T | str,
    question_text: str,
    settings: Mapping[str, Any] | None,
    options: Sequence[OptionLike],
) -> dict[str, Any]:
    """Check a whole question against its type's shape; return its normalised settings.

    Raises ``InvalidInput`` (422, code ``invalid_question``) naming the field at fault
    (``question``, ``settings.<key>``, ``options``, ``options.<i>.<field>``).
    """
    type_ = T(type_)
    if not question_text.strip():
        raise _fail("question", "the question needs a text")
    validate_options(type_, options)
    return normalize_settings(type_, question_text, settings)
