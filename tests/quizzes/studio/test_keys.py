"""The shapes of the ten question types (lectern.quizzes.keys), checked without a database."""

from __future__ import annotations

from typing import Any

import pytest

from lectern.errors import InvalidInput
from lectern.quizzes import keys
from lectern.quizzes.keys import OptionSpec as O


def opts(*specs: dict[str, Any]) -> list[O]:
    return [O(**s) for s in specs]


A, B, C = {"option_text": "a"}, {"option_text": "b"}, {"option_text": "c"}
RIGHT = {"option_text": "r", "is_correct": True}
IMG = "https://cdn.example.test/x.png"


def test_blank_ids_in_order_of_appearance() -> None:
    assert keys.blank_ids("{{2}} then {{ 1 }} then {{03}}, not {{x}} nor {1}") == ["2", "1", "3"]


def test_normalize_answer() -> None:
    assert keys.normalize_answer("  New\t\nYork  ") == "new york"
    assert keys.normalize_answer(" New  York", case_sensitive=True) == "New York"


def test_effective_settings_fill_defaults_and_drop_unknown() -> None:
    assert keys.effective_settings("short_answer", None) == {
        "accepted_answers": [],
        "case_sensitive": False,
    }
    assert keys.effective_settings("matching", {"partial_credit": True, "x": 1}) == {
        "partial_credit": True
    }
    assert keys.effective_settings("single_choice", {"x": 1}) == {}
    assert keys.partial_credit("ordering", {"partial_credit": True})
    assert not keys.partial_credit("single_choice", {"partial_credit": True})


@pytest.mark.parametrize(
    ("type_", "text", "settings", "options", "expected"),
    [
        ("single_choice", "Q?", None, opts(A, RIGHT), {}),
        ("image_choice", "Q?", {}, opts({"image": IMG}, {"image": IMG, "is_correct": True}), {}),
        (
            "true_false",
            "Q?",
            None,
            opts({"option_text": "False"}, {"option_text": "True", "is_correct": True}),
            {},
        ),
        ("multiple_choice", "Q?", None, opts(A, RIGHT, RIGHT), {"partial_credit": False}),
        (
            "short_answer",
            "Q?",
            {"accepted_answers": ["  Paris ", "City  of light"]},
            [],
            {"accepted_answers": ["Paris", "City of light"], "case_sensitive": False},
        ),
        (
            "fill_blank",
            "{{2}} and {{1}}",
            {"blanks": {"1": ["a"], "2": ["b", "c"]}, "partial_credit": True},
            [],
            {
                "blanks": {"2": ["b", "c"], "1": ["a"]},
                "case_sensitive": False,
                "partial_credit": True,
            },
        ),
        (
            "matching",
            "Q?",
            {"partial_credit": True},
            opts({"option_text": "x", "match_with": "1"}, {"option_text": "y", "match_with": "2"}),
            {"partial_credit": True},
        ),
        ("ordering", "Q?", None, opts(A, B, C), {"partial_credit": False}),
        ("long_answer", "Q?", None, [], {"min_words": None, "max_words": None}),
        ("essay", "Q?", {"min_words": 5, "max_words": 5}, [], {"min_words": 5, "max_words": 5}),
    ],
)
def test_valid_shapes(
    type_: str, text: str, settings: Any, options: list[O], expected: dict[str, Any]
) -> None:
    assert keys.validate_question(type_, text, settings, options) == expected


@pytest.mark.parametrize(
    ("type_", "text", "settings", "options", "field"),
    [
        ("single_choice", " ", None, opts(A, RIGHT), "question"),
        ("single_choice", "Q?", None, opts(RIGHT, RIGHT), "options"),
        ("single_choice", "Q?", None, opts(A, B), "options"),
        ("single_choice", "Q?", None, opts(RIGHT), "options"),
        (
            "single_choice",
            "Q?",
            None,
            opts(A, {"option_text": " ", "is_correct": True}),
            "options.1.option_text",
        ),
        (
            "single_choice",
            "Q?",
            {"partial_credit": True},
            opts(A, RIGHT),
            "settings.partial_credit",
        ),
        (
            "single_choice",
            "Q?",
            None,
            opts(A, {**RIGHT, "match_with": "x"}),
            "options.1.match_with",
        ),
        ("image_choice", "Q?", None, opts({"image": IMG}, {"is_correct": True}), "options.1.image"),
        ("image_choice", "Q?", None, opts({"image": IMG, "is_correct": True}), "options"),
        (
            "true_false",
            "Q?",
            None,
            opts({"option_text": "Yes", "is_correct": True}, {"option_text": "No"}),
            "options",
        ),
        ("true_false", "Q?", None, opts({"option_text": "True", "is_correct": True}), "options"),
        (
            "true_false",
            "Q?",
            None,
            opts(
                {"option_text": "True", "is_correct": True},
                {"option_text": "False", "is_correct": True},
            ),
            "options",
        ),
        (
            "true_false",
            "Q?",
            None,
            opts(
                {"option_text": "True", "is_correct": True},
                {"option_text": "False"},
                {"option_text": "Maybe"},
            ),
            "options",
        ),
        ("multiple_choice", "Q?", None, opts(A, B), "options"),
        (
            "multiple_choice",
            "Q?",
            {"partial_credit": "yes"},
            opts(A, RIGHT),
            "settings.partial_credit",
        ),
        ("short_answer", "Q?", None, [], "settings.accepted_answers"),
        ("short_answer", "Q?", {"accepted_answers": []}, [], "settings.accepted_answers"),
        ("short_answer", "Q?", {"accepted_answers": "Paris"}, [], "settings.accepted_answers"),
        (
            "short_answer",
            "Q?",
            {"accepted_answers": ["ok", " "]},
            [],
            "settings.accepted_answers.1",
        ),
        ("short_answer", "Q?", {"accepted_answers": ["ok", 3]}, [], "settings.accepted_answers.1"),
        ("short_answer", "Q?", {"accepted_answers": ["a"]}, opts(A), "options"),
        (
            "short_answer",
            "Q?",
            {"accepted_answers": ["a"], "case_sensitive": 1},
            [],
            "settings.case_sensitive",
        ),
        ("fill_blank", "no blanks", {"blanks": {"1": ["a"]}}, [], "question"),
        ("fill_blank", "{{1}} {{1}}", {"blanks": {"1": ["a"]}}, [], "question"),
        ("fill_blank", "{{1}} {{2}}", {"blanks": {"1": ["a"]}}, [], "settings.blanks.2"),
        ("fill_blank", "{{1}}", {"blanks": {"1": ["a"], "2": ["b"]}}, [], "settings.blanks.2"),
        ("fill_blank", "{{1}}", {"blanks": {"1": []}}, [], "settings.blanks.1"),
        ("fill_blank", "{{1}}", {"blanks": {"1": "a"}}, [], "settings.blanks.1"),
        ("fill_blank", "{{1}}", {"blanks": {"one": ["a"]}}, [], "settings.blanks.one"),
        ("fill_blank", "{{1}}", {"blanks": {"1": ["a"], "01": ["b"]}}, [], "settings.blanks.01"),
        ("fill_blank", "{{1}}", {"blanks": []}, [], "settings.blanks"),
        ("fill_blank", "{{1}}", None, [], "settings.blanks"),
        (
            "matching",
            "Q?",
            None,
            opts({"option_text": "x", "match_with": "1"}, {"option_text": "y"}),
            "options.1.match_with",
        ),
        (
            "matching",
            "Q?",
            None,
            opts(
                {"option_text": "x", "match_with": "1"}, {"option_text": "y", "match_with": " 1 "}
            ),
            "options.1.match_with",
        ),
        ("matching", "Q?", None, opts({"option_text": "x", "match_with": "1"}), "options"),
        (
            "matching",
            "Q?",
            None,
            opts(
                {"option_text": "x", "match_with": "1", "is_correct": True},
                {"option_text": "y", "match_with": "2"},
            ),
            "options.0.is_correct",
        ),
        ("ordering", "Q?", None, opts(A), "options"),
        ("ordering", "Q?", None, [], "options"),
        ("ordering", "Q?", None, opts(A, RIGHT), "options.1.is_correct"),
        ("long_answer", "Q?", None, opts(A), "options"),
        ("essay", "Q?", {"min_words": 10, "max_words": 5}, [], "settings.max_words"),
        ("essay", "Q?", {"min_words": -1}, [], "settings.min_words"),
        ("essay", "Q?", {"max_words": True}, [], "settings.max_words"),
        ("essay", "Q?", {"accepted_answers": ["x"]}, [], "settings.accepted_answers"),
    ],
)
def test_invalid_shapes(type_: str, text: str, settings: Any, options: list[O], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        keys.validate_question(type_, text, settings, options)
    error = raised.value
    assert error.status == 422
    assert error.code == "invalid_question"
    assert error.extra["errors"][0]["loc"] == field.split(".")
    assert error.detail


def test_too_many_options() -> None:
    with pytest.raises(InvalidInput):
        keys.validate_question("ordering", "Q?", None, opts(*[A] * (keys.MAX_OPTIONS + 1)))
