"""Questions in the studio: the ten types and their shapes, options, media, totals,
reorder, regrade calls and access."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, User
from lectern.models.quizzes import Quiz, QuizOption, QuizQuestion
from tests.conftest import bearer
from tests.factories import create_course, create_user
from tests.factories.curriculum import create_author
from tests.factories.quizzes import create_question, create_quiz
from tests.quizzes.studio.conftest import fresh, quiz_url, snapshot

IMG = "https://cdn.example.test/a.png"


def questions_url(course: Course, quiz: Quiz) -> str:
    return f"{quiz_url(course, quiz)}/questions"


def question_url(course: Course, quiz: Quiz, question_id: int) -> str:
    return f"{questions_url(course, quiz)}/{question_id}"


VALID: dict[str, dict[str, Any]] = {
    "single_choice": {
        "question": "2 + 2?",
        "options": [
            {"option_text": "3", "feedback": "too small"},
            {"option_text": "4", "is_correct": True},
        ],
    },
    "multiple_choice": {
        "question": "Primes?",
        "settings": {"partial_credit": True},
        "options": [
            {"option_text": "2", "is_correct": True},
            {"option_text": "3", "is_correct": True},
            {"option_text": "4"},
        ],
    },
    "true_false": {
        "question": "Water is wet.",
        "options": [{"option_text": "True", "is_correct": True}, {"option_text": "False"}],
    },
    "short_answer": {
        "question": "Capital of Italy?",
        "settings": {"accepted_answers": ["Rome", "Roma"], "case_sensitive": True},
    },
    "long_answer": {"question": "Explain."},
    "essay": {"question": "Discuss.", "settings": {"min_words": 100, "max_words": 1000}},
    "fill_blank": {
        "question": "A {{1}} has {{2}} legs.",
        "settings": {"blanks": {"1": ["dog", "cat"], "2": ["four", "4"]}, "partial_credit": True},
    },
    "matching": {
        "question": "Match.",
        "options": [
            {"option_text": "H2O", "match_with": "water"},
            {"option_text": "NaCl", "match_with": "salt"},
        ],
    },
    "ordering": {
        "question": "Order.",
        "options": [{"option_text": "first"}, {"option_text": "second"}, {"option_text": "third"}],
    },
    "image_choice": {
        "question": "Which?",
        "options": [
            {"image": IMG, "is_correct": True},
            {"image": "https://cdn.example.test/b.png", "option_text": "B"},
        ],
    },
}


@pytest.mark.parametrize("kind", sorted(VALID))
async def test_create_every_type(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    kind: str,
    regrades: list[int],
) -> None:
    payload = {"type": kind, "points": "2.5", **VALID[kind]}
    response = await client.post(questions_url(course, quiz), json=payload, headers=bearer(author))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["type"] == kind
    assert body["order"] == 0
    assert Decimal(body["points"]) == Decimal("2.5")
    given = payload.get("options", [])
    assert [o["order"] for o in body["options"]] == list(range(len(given)))
    for out, spec in zip(body["options"], given, strict=True):
        for name, value in spec.items():
            assert out[name] == value
    for name, value in payload.get("settings", {}).items():
        assert body["settings"][name] == value
    row = await fresh(db, Quiz, quiz.id)
    assert (row.total_questions, row.total_points) == (1, Decimal("2.50"))
    stored = await fresh(db, QuizQuestion, body["id"])
    assert stored.quiz_id == quiz.id
    # Read back alone and within the quiz.
    one = await client.get(question_url(course, quiz, body["id"]), headers=bearer(author))
    assert one.json() == body
    assert regrades == []  # a new question has no answers to regrade


async def test_option_ids_do_not_give_the_order_away(
    client: httpx.AsyncClient, author: User, course: Course, quiz: Quiz
) -> None:
    """Learners see option ids: they must not rise with the correct order (a 1 in 40,320
    chance of a false alarm with eight options)."""
    options = [{"option_text": f"step {n}"} for n in range(8)]
    payload = {"type": "ordering", "question": "Put in order", "options": options}
    response = await client.post(questions_url(course, quiz), json=payload, headers=bearer(author))
    assert response.status_code == 201, response.text
    ids_in_order = [o["id"] for o in sorted(response.json()["options"], key=lambda o: o["order"])]
    assert ids_in_order != sorted(ids_in_order)


async def test_settings_defaults_are_stored(
    client: httpx.AsyncClient, author: User, course: Course, quiz: Quiz
) -> None:
    payload = {
        "type": "short_answer",
        "question": "Q",
        "settings": {"accepted_answers": [" a  b "]},
    }
    response = await client.post(questions_url(course, quiz), json=payload, headers=bearer(author))
    assert response.json()["settings"] == {"accepted_answers": ["a b"], "case_sensitive": False}


ONE = {"option_text": "x"}
YES = {"option_text": "y", "is_correct": True}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "single_choice", "question": "Q", "options": [YES, YES]}, "options"),
        ({"type": "single_choice", "question": "Q", "options": [ONE, ONE]}, "options"),
        ({"type": "single_choice", "question": "Q", "options": [YES]}, "options"),
        ({"type": "multiple_choice", "question": "Q", "options": [ONE, ONE]}, "options"),
        (
            {
                "type": "matching",
                "question": "Q",
                "options": [{"option_text": "a", "match_with": "1"}, {"option_text": "b"}],
            },
            "options.1.match_with",
        ),
        (
            {
                "type": "matching",
                "question": "Q",
                "options": [
                    {"option_text": "a", "match_with": "1"},
                    {"option_text": "b", "match_with": "1"},
                ],
            },
            "options.1.match_with",
        ),
        (
            {
                "type": "fill_blank",
                "question": "{{1}} and {{2}}",
                "settings": {"blanks": {"1": ["x"]}},
            },
            "settings.blanks.2",
        ),
        (
            {"type": "fill_blank", "question": "{{1}}", "settings": {"blanks": {"1": [""]}}},
            "settings.blanks.1.0",
        ),
        ({"type": "ordering", "question": "Q", "options": [ONE]}, "options"),
        (
            {
                "type": "true_false",
                "question": "Q",
                "options": [{"option_text": "Yes", "is_correct": True}, {"option_text": "No"}],
            },
            "options",
        ),
        (
            {
                "type": "true_false",
                "question": "Q",
                "options": [{"option_text": "True"}, {"option_text": "False"}],
            },
            "options",
        ),
        ({"type": "short_answer", "question": "Q"}, "settings.accepted_answers"),
        (
            {"type": "short_answer", "question": "Q", "settings": {"accepted_answers": []}},
            "settings.accepted_answers",
        ),
        (
            {
                "type": "image_choice",
                "question": "Q",
                "options": [{"image": IMG, "is_correct": True}, {"option_text": "no image"}],
            },
            "options.1.image",
        ),
        ({"type": "essay", "question": "Q", "options": [ONE]}, "options"),
        (
            {"type": "essay", "question": "Q", "settings": {"min_words": 9, "max_words": 3}},
            "settings.max_words",
        ),
        (
            {"type": "single_choice", "question": "Q", "options": [ONE, YES], "settings": {"x": 1}},
            "settings.x",
        ),
    ],
)
async def test_create_refuses_bad_shapes(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    payload: dict[str, Any],
    field: str,
) -> None:
    before = await snapshot(db, quiz)
    response = await client.post(questions_url(course, quiz), json=payload, headers=bearer(author))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"].endswith("invalid_question")
    assert body["errors"][0]["loc"] == field.split(".")
    assert await snapshot(db, quiz) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "riddle", "question": "Q"},
        {"question": "Q", "options": [ONE, YES]},
        {"type": "single_choice", "options": [ONE, YES]},
        {"type": "single_choice", "question": "", "options": [ONE, YES]},
        {"type": "single_choice", "question": "Q", "points": 0, "options": [ONE, YES]},
        {"type": "single_choice", "question": "Q", "points": "1.001", "options": [ONE, YES]},
        {"type": "single_choice", "question": "Q", "points": -1, "options": [ONE, YES]},
        {
            "type": "single_choice",
            "question": "Q",
            "image": "http://x.test/a.png",
            "options": [ONE, YES],
        },
        {
            "type": "single_choice",
            "question": "Q",
            "audio": "javascript:alert(1)",
            "options": [ONE, YES],
        },
        {"type": "single_choice", "question": "Q", "video": "/relative.mp4", "options": [ONE, YES]},
        {
            "type": "single_choice",
            "question": "Q",
            "options": [ONE, {**YES, "image": "ftp://x/a.png"}],
        },
        {"type": "single_choice", "question": "Q", "options": [{**ONE, "id": 1}, YES]},
        {"type": "single_choice", "question": "Q", "options": [{**ONE, "order": 3}, YES]},
        {"type": "single_choice", "question": "Q", "order": 2, "options": [ONE, YES]},
        {"type": "single_choice", "question": "Q", "settings": [1], "options": [ONE, YES]},
        {"type": "single_choice", "question": "Q", "options": [ONE, YES] * 26},
    ],
)
async def test_create_refuses_bad_input(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    payload: dict[str, Any],
) -> None:
    before = await snapshot(db, quiz)
    response = await client.post(questions_url(course, quiz), json=payload, headers=bearer(author))
    assert response.status_code == 422, response.text
    assert await snapshot(db, quiz) == before


async def test_media_on_questions_and_options(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    payload = {
        "type": "single_choice",
        "question": "Listen",
        "explanation": "Because.",
        "image": "https://cdn.example.test/q.png",
        "audio": "https://cdn.example.test/q.mp3",
        "video": "https://cdn.example.test/q.mp4",
        "is_required": True,
        "options": [{"option_text": "a", "image": IMG}, {"option_text": "b", "is_correct": True}],
    }
    response = await client.post(questions_url(course, quiz), json=payload, headers=bearer(author))
    assert response.status_code == 201, response.text
    body = response.json()
    for name in ("image", "audio", "video", "explanation"):
        assert body[name] == payload[name]
    assert body["is_required"] is True
    assert body["options"][0]["image"] == IMG
    response = await client.patch(
        question_url(course, quiz, body["id"]), json={"audio": None}, headers=bearer(author)
    )
    assert response.json()["audio"] is None
    assert response.json()["image"] == payload["image"]


async def test_totals_follow_every_change(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    headers = bearer(author)

    async def totals() -> tuple[int, Decimal]:
        row = await fresh(db, Quiz, quiz.id)
        return row.total_questions, row.total_points

    ids = []
    for points in ("1", "2.25", "3"):
        payload = {"type": "true_false", "points": points, **VALID["true_false"]}
        response = await client.post(questions_url(course, quiz), json=payload, headers=headers)
        ids.append(response.json()["id"])
    assert await totals() == (3, Decimal("6.25"))
    await client.patch(question_url(course, quiz, ids[1]), json={"points": 10}, headers=headers)
    assert await totals() == (3, Decimal("14.00"))
    await client.delete(question_url(course, quiz, ids[0]), headers=headers)
    assert await totals() == (2, Decimal("13.00"))
    detail = (await client.get(quiz_url(course, quiz), headers=headers)).json()
    assert (detail["total_questions"], Decimal(detail["total_points"])) == (2, 13)
    assert [q["order"] for q in detail["questions"]] == [0, 1]


async def test_patch_replaces_options_keeping_ids(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
) -> None:
    question = await create_question(db, quiz, "single_choice")
    a, b, c = question.options  # "4", "7" (correct), "9"
    url = question_url(course, quiz, question.id)
    payload = {
        "options": [
            {"id": c.id, "option_text": "9", "is_correct": True},
            {"option_text": "11"},
            {"id": a.id, "option_text": "four"},
        ]
    }
    response = await client.patch(url, json=payload, headers=bearer(author))
    assert response.status_code == 200, response.text
    options = response.json()["options"]
    assert [o["id"] for o in options][0::2] == [c.id, a.id]
    assert [(o["option_text"], o["is_correct"], o["order"]) for o in options] == [
        ("9", True, 0),
        ("11", False, 1),
        ("four", False, 2),
    ]
    assert await fresh(db, QuizOption, b.id) is None
    assert regrades == [question.id]


async def test_patch_without_key_change_does_not_regrade(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
) -> None:
    question = await create_question(db, quiz, "single_choice")
    url = question_url(course, quiz, question.id)
    same = [
        {"id": o.id, "option_text": o.option_text, "is_correct": o.is_correct, "feedback": "hm"}
        for o in question.options
    ]
    payload = {"explanation": "See chapter 2", "question": "Which one is prime?", "options": same}
    response = await client.patch(url, json=payload, headers=bearer(author))
    assert response.status_code == 200, response.text
    assert response.json()["question"] == "Which one is prime?"
    assert regrades == []
    response = await client.patch(url, json={"points": 4}, headers=bearer(author))
    assert response.status_code == 200
    assert regrades == [question.id]


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("short_answer", {"settings": {"accepted_answers": ["Lyon"]}}),
        ("short_answer", {"settings": {"accepted_answers": ["Paris"], "case_sensitive": True}}),
        ("fill_blank", {"question": "The {{1}} is red.", "settings": {"blanks": {"1": ["rose"]}}}),
        ("multiple_choice", {"settings": {"partial_credit": True}}),
    ],
)
async def test_settings_changes_regrade(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
    kind: str,
    change: dict[str, Any],
) -> None:
    question = await create_question(db, quiz, kind)
    url = question_url(course, quiz, question.id)
    response = await client.patch(url, json=change, headers=bearer(author))
    assert response.status_code == 200, response.text
    assert regrades == [question.id]


async def test_ordering_reorder_of_options_regrades(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
) -> None:
    question = await create_question(db, quiz, "ordering")
    first, second, third = question.options
    payload = {
        "options": [{"id": o.id, "option_text": o.option_text} for o in (third, first, second)]
    }
    url = question_url(course, quiz, question.id)
    response = await client.patch(url, json=payload, headers=bearer(author))
    assert [o["id"] for o in response.json()["options"]] == [third.id, first.id, second.id]
    assert (await fresh(db, QuizOption, third.id)).order == 0
    assert regrades == [question.id]


@pytest.mark.parametrize(
    ("kind", "payload", "status"),
    [
        ("single_choice", {"type": "multiple_choice"}, 422),
        ("single_choice", {"options": [{"option_text": "only", "is_correct": True}]}, 422),
        ("single_choice", {"options": None}, 422),
        ("single_choice", {"points": None}, 422),
        ("single_choice", {"question": None}, 422),
        ("single_choice", {"options": [{"id": 2**62, "option_text": "x"}, YES]}, 422),
        ("fill_blank", {"question": "Only {{3}} now"}, 422),
        ("fill_blank", {"settings": {"blanks": {"1": ["x"]}}}, 422),
        ("short_answer", {"settings": {}}, 422),
        ("short_answer", {"settings": None}, 422),
        ("matching", {"settings": {"partial_credit": "no"}}, 422),
        ("essay", {"options": [ONE]}, 422),
        ("single_choice", {"image": "http://insecure.test/a.png"}, 422),
    ],
)
async def test_patch_refusals_change_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
    kind: str,
    payload: dict[str, Any],
    status: int,
) -> None:
    question = await create_question(db, quiz, kind)
    before = await snapshot(db, quiz)
    url = question_url(course, quiz, question.id)
    response = await client.patch(url, json=payload, headers=bearer(author))
    assert response.status_code == status, response.text
    assert await snapshot(db, quiz) == before
    assert regrades == []


async def test_patch_refuses_options_of_another_question(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    question = await create_question(db, quiz, "single_choice")
    other = await create_question(db, quiz, "single_choice")
    before = await snapshot(db, quiz)
    stolen = other.options[0].id
    for options in (
        [{"id": stolen, "option_text": "x"}, YES],
        [{"id": question.options[0].id, "option_text": "x"}, {**YES, "id": question.options[0].id}],
    ):
        response = await client.patch(
            question_url(course, quiz, question.id),
            json={"options": options},
            headers=bearer(author),
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"][0] == "options"
    assert await snapshot(db, quiz) == before


async def test_delete_closes_up_and_regrades(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
) -> None:
    questions = [await create_question(db, quiz, "true_false") for _ in range(3)]
    url = question_url(course, quiz, questions[1].id)
    assert (await client.delete(url, headers=bearer(author))).status_code == 204
    assert await fresh(db, QuizQuestion, questions[1].id) is None
    assert (await fresh(db, QuizQuestion, questions[2].id)).order == 1
    assert regrades == [questions[1].id]
    assert (await client.delete(url, headers=bearer(author))).status_code == 404


async def test_last_question_of_a_published_quiz_stays(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    first = await create_question(db, quiz, "true_false")
    second = await create_question(db, quiz, "true_false")
    quiz.is_published = True
    await db.flush()
    headers = bearer(author)
    assert (await client.delete(question_url(course, quiz, first.id), headers=headers)).is_success
    before = await snapshot(db, quiz)
    response = await client.delete(question_url(course, quiz, second.id), headers=headers)
    assert response.status_code == 409
    assert response.json()["type"].endswith("quiz_published")
    assert await snapshot(db, quiz) == before


async def test_reorder(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    regrades: list[int],
) -> None:
    a, b, c = [await create_question(db, quiz, "true_false") for _ in range(3)]
    response = await client.post(
        f"{questions_url(course, quiz)}/reorder",
        json={"question_ids": [c.id, a.id, b.id]},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    assert [(q["id"], q["order"]) for q in response.json()["items"]] == [
        (c.id, 0),
        (a.id, 1),
        (b.id, 2),
    ]
    listed = await client.get(questions_url(course, quiz), headers=bearer(author))
    assert [q["id"] for q in listed.json()["items"]] == [c.id, a.id, b.id]
    assert regrades == []


async def test_reorder_refusals(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    a, b = [await create_question(db, quiz, "true_false") for _ in range(2)]
    elsewhere = await create_question(db, await create_quiz(db, course), "true_false")
    before = await snapshot(db, quiz)
    for ids in (
        [b.id],
        [b.id, a.id, a.id],
        [b.id, elsewhere.id],
        [b.id, a.id, elsewhere.id],
        [0, 1],
    ):
        response = await client.post(
            f"{questions_url(course, quiz)}/reorder",
            json={"question_ids": ids},
            headers=bearer(author),
        )
        assert response.status_code == 422, ids
    assert await snapshot(db, quiz) == before


async def test_access_refusals(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    question = await create_question(db, quiz, "single_choice")
    sibling_quiz = await create_quiz(db, course)
    sibling = await create_question(db, sibling_quiz, "single_choice")
    student = await create_user(db)
    stranger = await create_author(db)
    foreign_course = await create_course(db, stranger)
    foreign_quiz = await create_quiz(db, foreign_course)
    foreign = await create_question(db, foreign_quiz, "single_choice")
    before = await snapshot(db, quiz)
    create = {"type": "true_false", **VALID["true_false"]}
    requests: list[tuple[str, str, Any]] = [
        ("GET", questions_url(course, quiz), None),
        ("POST", questions_url(course, quiz), create),
        ("POST", f"{questions_url(course, quiz)}/reorder", {"question_ids": [question.id]}),
        ("GET", question_url(course, quiz, question.id), None),
        ("PATCH", question_url(course, quiz, question.id), {"points": 9}),
        ("DELETE", question_url(course, quiz, question.id), None),
    ]
    for method, url, payload in requests:
        assert (await client.request(method, url, json=payload)).status_code == 401
        response = await client.request(method, url, json=payload, headers=bearer(student))
        assert response.status_code == 403, (method, url)
        response = await client.request(method, url, json=payload, headers=bearer(stranger))
        assert response.status_code == 404, (method, url)
    # A question of another quiz under this quiz's path, or of another course: 404.
    for url in (
        question_url(course, quiz, sibling.id),
        question_url(course, quiz, foreign.id),
        question_url(course, foreign_quiz, foreign.id),
        question_url(foreign_course, quiz, question.id),
    ):
        for method, payload in (("GET", None), ("PATCH", {"points": 9}), ("DELETE", None)):
            response = await client.request(method, url, json=payload, headers=bearer(author))
            assert response.status_code == 404, (method, url)
    assert (
        await client.get(question_url(course, quiz, 0), headers=bearer(author))
    ).status_code == 422
    assert await snapshot(db, quiz) == before
    assert (await fresh(db, QuizQuestion, sibling.id)).points == Decimal(1)
    assert (await fresh(db, QuizQuestion, foreign.id)).points == Decimal(1)
    left = await db.scalar(select(QuizQuestion.id).where(QuizQuestion.quiz_id == foreign_quiz.id))
    assert left == foreign.id
