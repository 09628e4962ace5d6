"""grade_answer for the ten question types: right, wrong, partial, case, alternatives, blanks."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from lectern.kit.types import utcnow
from lectern.models import QuizAnswer, QuizOption, QuizQuestion, QuizQuestionType
from lectern.quizzes.scoring import (
    Graded,
    grade_answer,
    has_content,
    percentage_of,
    record_manual_grade,
)

_ids = itertools.count(1000)


def question(
    kind: str, options: list[dict[str, Any]] | None = None, points: str = "4", **settings: Any
) -> tuple[QuizQuestion, list[QuizOption]]:
    q = QuizQuestion(
        id=next(_ids),
        type=QuizQuestionType(kind),
        question="?",
        points=Decimal(points),
        settings=settings or None,
    )
    opts = [
        QuizOption(
            id=next(_ids),
            question_id=q.id,
            order=o.get("order", i),
            option_text=o.get("text", ""),
            is_correct=o.get("ok", False),
            match_with=o.get("match"),
        )
        for i, o in enumerate(options or [])
    ]
    return q, opts


def answer(**values: Any) -> QuizAnswer:
    values.setdefault("feedback", None)
    values.setdefault("points_earned", Decimal(0))
    values.setdefault("is_correct", False)
    return QuizAnswer(**values)


def g(points: str, ok: bool, manual: bool = False) -> Graded:
    return Graded(Decimal(points), ok, manual)


@pytest.mark.parametrize("kind", ["single_choice", "true_false", "image_choice"])
def test_one_pick_types(kind: str) -> None:
    q, (a, b) = question(kind, [{"text": "True", "ok": True}, {"text": "False"}])
    assert grade_answer(q, [a, b], answer(selected_options=[a.id])) == g("4", True)
    assert grade_answer(q, [a, b], answer(selected_options=[b.id])) == g("0", False)
    # Both picked is wrong; nothing picked or no answer is nothing.
    assert grade_answer(q, [a, b], answer(selected_options=[a.id, b.id])) == g("0", False)
    assert grade_answer(q, [a, b], answer(selected_options=[])) == g("0", False)
    assert grade_answer(q, [a, b], None) == g("0", False)


def test_multiple_choice_all_or_nothing() -> None:
    q, opts = question("multiple_choice", [{"ok": True}, {"ok": True}, {"ok": False}, {"ok": True}])
    a, b, c, d = (o.id for o in opts)
    assert grade_answer(q, opts, answer(selected_options=[d, a, b])) == g("4", True)
    assert grade_answer(q, opts, answer(selected_options=[a, b])) == g("0", False)
    assert grade_answer(q, opts, answer(selected_options=[a, b, c, d])) == g("0", False)


def test_multiple_choice_partial_credit() -> None:
    q, opts = question(
        "multiple_choice",
        [{"ok": True}, {"ok": True}, {"ok": False}, {"ok": True}],
        partial_credit=True,
    )
    a, b, c, d = (o.id for o in opts)
    assert grade_answer(q, opts, answer(selected_options=[a, b, d])) == g("4", True)
    # 2 right of 3: 4 * 2/3 = 2.67 (hundredths, half up)
    assert grade_answer(q, opts, answer(selected_options=[a, b])) == g("2.67", False)
    # (3 right - 1 wrong) / 3
    assert grade_answer(q, opts, answer(selected_options=[a, b, c, d])) == g("2.67", False)
    # (1 - 1) / 3 = 0; never negative
    assert grade_answer(q, opts, answer(selected_options=[a, c])) == g("0", False)
    assert grade_answer(q, opts, answer(selected_options=[c])) == g("0", False)
    # Ids of other questions' options are ignored.
    assert grade_answer(q, opts, answer(selected_options=[a, 999_999])) == g("1.33", False)


def test_short_answer_case_and_alternatives() -> None:
    q, _ = question("short_answer", accepted_answers=["Paris", "Ville  Lumière"])
    assert grade_answer(q, [], answer(text_answer="  paris ")) == g("4", True)
    assert grade_answer(q, [], answer(text_answer="ville   lumière")) == g("4", True)
    assert grade_answer(q, [], answer(text_answer="Lyon")) == g("0", False)
    assert grade_answer(q, [], answer(text_answer="   ")) == g("0", False)
    sensitive, _ = question("short_answer", accepted_answers=["Paris"], case_sensitive=True)
    assert grade_answer(sensitive, [], answer(text_answer="Paris")) == g("4", True)
    assert grade_answer(sensitive, [], answer(text_answer="paris")) == g("0", False)


def test_fill_blank() -> None:
    blanks = {"1": ["rose", "roses"], "2": ["sky"]}
    q, _ = question("fill_blank", blanks=blanks)
    assert grade_answer(q, [], answer(matching_answer={"1": "Roses", "2": " sky "})) == g("4", True)
    # All or nothing without partial credit.
    assert grade_answer(q, [], answer(matching_answer={"1": "rose", "2": "sea"})) == g("0", False)
    assert grade_answer(q, [], answer(matching_answer={"1": "rose"})) == g("0", False)
    partial, _ = question("fill_blank", blanks=blanks, partial_credit=True)
    assert grade_answer(partial, [], answer(matching_answer={"1": "rose", "2": "sea"})) == g(
        "2", False
    )
    case, _ = question("fill_blank", blanks=blanks, case_sensitive=True, partial_credit=True)
    assert grade_answer(case, [], answer(matching_answer={"1": "Rose", "2": "sky"})) == g(
        "2", False
    )


def test_matching() -> None:
    spec = [
        {"text": "France", "match": "Paris"},
        {"text": "Italy", "match": "Rome"},
        {"text": "Spain", "match": "Madrid"},
    ]
    q, opts = question("matching", spec, points="3")
    f, i, s = (str(o.id) for o in opts)
    right = {f: "Paris", i: "Rome", s: "Madrid"}
    assert grade_answer(q, opts, answer(matching_answer=right)) == g("3", True)
    swapped = {f: "Rome", i: "Paris", s: "Madrid"}
    assert grade_answer(q, opts, answer(matching_answer=swapped)) == g("0", False)
    pq, popts = question("matching", spec, points="3", partial_credit=True)
    f, i, s = (str(o.id) for o in popts)
    assert grade_answer(
        pq, popts, answer(matching_answer={f: "Rome", i: "Paris", s: "Madrid"})
    ) == (g("1", False))
    assert grade_answer(pq, popts, answer(matching_answer={f: "Paris"})) == g("1", False)


def test_ordering() -> None:
    spec = [{"text": "a", "order": 0}, {"text": "b", "order": 1}, {"text": "c", "order": 2}]
    q, opts = question("ordering", spec, points="3")
    a, b, c = (o.id for o in opts)
    assert grade_answer(q, opts, answer(order_answer=[a, b, c])) == g("3", True)
    assert grade_answer(q, opts, answer(order_answer=[a, c, b])) == g("0", False)
    pq, popts = question("ordering", spec, points="3", partial_credit=True)
    a, b, c = (o.id for o in popts)
    assert grade_answer(pq, popts, answer(order_answer=[a, c, b])) == g("1", False)
    assert grade_answer(pq, popts, answer(order_answer=[c, a, b])) == g("0", False)
    # The stored order decides, not the ids.
    rq, ropts = question("ordering", [{"order": 2}, {"order": 0}, {"order": 1}], points="3")
    x, y, z = (o.id for o in ropts)
    assert grade_answer(rq, ropts, answer(order_answer=[y, z, x])) == g("3", True)


@pytest.mark.parametrize("kind", ["long_answer", "essay"])
def test_manual_types(kind: str) -> None:
    q, _ = question(kind)
    given = answer(text_answer="My essay.")
    assert grade_answer(q, [], given) == g("0", False, manual=True)
    assert has_content(q, given)
    assert given.graded_at is None
    record_manual_grade(given, q, Decimal("2.5"), None, utcnow())
    assert given.graded_at is not None  # graded, even without words
    assert grade_answer(q, [], given) == g("2.50", False, manual=True)
    record_manual_grade(given, q, Decimal("4"), "Great", utcnow())
    assert grade_answer(q, [], given) == g("4", True, manual=True)


def test_partial_credit_is_rounded_to_the_hundredth() -> None:
    q, opts = question(
        "multiple_choice", [{"ok": True}] * 3 + [{"ok": False}], points="1", partial_credit=True
    )
    a = opts[0].id
    assert grade_answer(q, opts, answer(selected_options=[a])) == g("0.33", False)


def test_halves_are_rounded_up_not_to_even() -> None:
    """0.125 is 0.13, where banker's rounding (half to even) would say 0.12."""
    q, opts = question("multiple_choice", [{"ok": True}] * 2, points="0.25", partial_credit=True)
    assert grade_answer(q, opts, answer(selected_options=[opts[0].id])) == g("0.13", False)

    manual, _ = question("essay", points="5")
    given = answer(text_answer="An essay.")
    record_manual_grade(given, manual, Decimal("2.345"), None, utcnow())
    assert given.points_earned == Decimal("2.35")

    assert percentage_of(Decimal(1), Decimal(32)) == Decimal("3.13")  # 3.125
    assert percentage_of(Decimal("0.5"), Decimal(8)) == Decimal("6.25")
    assert percentage_of(Decimal(0), Decimal(0)) == Decimal(0)


def test_a_zero_point_question_counts_right_and_wrong_but_earns_nothing() -> None:
    q, (right, wrong) = question("single_choice", [{"ok": True}, {}], points="0")
    assert grade_answer(q, [right, wrong], answer(selected_options=[right.id])) == g("0", True)
    assert grade_answer(q, [right, wrong], answer(selected_options=[wrong.id])) == g("0", False)
