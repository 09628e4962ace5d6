"""Quizzes in the studio: create, list, read, edit, delete, lesson links, publishing, access."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import Course, LessonType, User
from lectern.models.quizzes import Quiz, QuizAttempt, QuizQuestion
from tests.conftest import bearer
from tests.factories import create_course, create_lesson, create_section, create_user
from tests.factories.curriculum import add_co_instructor, create_author
from tests.factories.instructors import create_admin
from tests.factories.quizzes import create_question, create_quiz
from tests.queries import count_queries
from tests.quizzes.studio.conftest import fresh, quiz_url, quizzes_url, snapshot


async def quiz_count(db: AsyncSession, course: Course) -> int:
    return int(await db.scalar(select(func.count(Quiz.id)).where(Quiz.course_id == course.id)) or 0)


async def test_create_with_defaults(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    response = await client.post(
        quizzes_url(course), json={"title": "  Week 1 "}, headers=bearer(author)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["title"] == "Week 1"
    assert body["time_limit"] is None
    assert Decimal(body["passing_score"]) == 70
    assert body["max_attempts"] == 0
    assert body["show_answers_after_submission"] is True
    assert body["show_correct_answers"] is True
    assert body["randomize_questions"] is False
    assert body["randomize_options"] is False
    assert body["questions_per_page"] == 0
    assert body["allow_review"] is True
    assert body["is_required"] is False
    assert body["is_published"] is False
    assert body["lesson"] is None
    assert body["order"] == 0
    assert Decimal(body["total_points"]) == 0
    assert body["total_questions"] == 0
    second = await client.post(quizzes_url(course), json={"title": "W2"}, headers=bearer(author))
    assert second.json()["order"] == 1


async def test_create_with_every_setting(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    section = await create_section(db, course)
    lesson = await create_lesson(db, section, type=LessonType.QUIZ)
    payload = {
        "title": "Final",
        "description": "The end",
        "instructions": "No notes",
        "time_limit": 30,
        "passing_score": "82.5",
        "max_attempts": 3,
        "show_answers_after_submission": False,
        "show_correct_answers": False,
        "randomize_questions": True,
        "randomize_options": True,
        "questions_per_page": 5,
        "allow_review": False,
        "is_required": True,
        "order": 7,
        "lesson": str(lesson.uuid),
    }
    response = await client.post(quizzes_url(course), json=payload, headers=bearer(author))
    assert response.status_code == 201, response.text
    body = response.json()
    for name, value in payload.items():
        if name == "passing_score":
            assert Decimal(body[name]) == Decimal(value)
        else:
            assert body[name] == value, name
    stored = await db.scalar(select(Quiz).where(Quiz.uuid == uuid.UUID(body["uuid"])))
    assert stored is not None
    assert stored.lesson_id == lesson.id


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"title": ""},
        {"title": "x" * 256},
        {"title": "a\u0000b"},
        {"title": "ok", "time_limit": 0},
        {"title": "ok", "time_limit": -5},
        {"title": "ok", "passing_score": "100.01"},
        {"title": "ok", "passing_score": -1},
        {"title": "ok", "passing_score": "50.123"},
        {"title": "ok", "max_attempts": -1},
        {"title": "ok", "questions_per_page": -1},
        {"title": "ok", "order": -1},
        {"title": "ok", "lesson": "not-a-uuid"},
        {"title": "ok", "total_points": 5},
        {"title": "ok", "course_id": 1},
        {"title": "ok", "is_published": "maybe"},
    ],
)
async def test_create_refuses_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, payload: Any
) -> None:
    response = await client.post(quizzes_url(course), json=payload, headers=bearer(author))
    assert response.status_code == 422, response.text
    assert await quiz_count(db, course) == 0


async def test_create_published_without_questions_is_409(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    response = await client.post(
        quizzes_url(course), json={"title": "Q", "is_published": True}, headers=bearer(author)
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("quiz_has_no_questions")
    assert await quiz_count(db, course) == 0


async def test_lesson_rules(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    section = await create_section(db, course)
    video = await create_lesson(db, section, type=LessonType.VIDEO)
    quiz_lesson = await create_lesson(db, section, type=LessonType.QUIZ)
    gone = await create_lesson(db, section, type=LessonType.QUIZ, deleted_at=func.now())
    other = await create_course(db, author)
    elsewhere = await create_lesson(db, await create_section(db, other), type=LessonType.QUIZ)
    headers = bearer(author)

    async def create(lesson: Any) -> httpx.Response:
        return await client.post(
            quizzes_url(course), json={"title": "Q", "lesson": str(lesson)}, headers=headers
        )

    response = await create(video.uuid)
    assert response.status_code == 422
    assert response.json()["type"].endswith("lesson_not_quiz")
    for lesson_uuid in (gone.uuid, elsewhere.uuid, "00000000-0000-4000-8000-000000000000"):
        response = await create(lesson_uuid)
        assert response.status_code == 422, lesson_uuid
        assert response.json()["type"].endswith("no_such_lesson")
    assert (await create(quiz_lesson.uuid)).status_code == 201
    response = await create(quiz_lesson.uuid)
    assert response.status_code == 409
    assert response.json()["type"].endswith("lesson_has_quiz")
    assert await quiz_count(db, course) == 1


async def test_patch_moves_between_lessons_and_detaches(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    section = await create_section(db, course)
    first = await create_lesson(db, section, type=LessonType.QUIZ)
    second = await create_lesson(db, section, type=LessonType.QUIZ)
    taken = await create_quiz(db, course, lesson_id=second.id)
    url, headers = quiz_url(course, quiz), bearer(author)
    response = await client.patch(url, json={"lesson": str(first.uuid)}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["lesson"] == str(first.uuid)
    # Patching the same lesson again is fine (it is this quiz's own lesson).
    assert (await client.patch(url, json={"lesson": str(first.uuid)}, headers=headers)).is_success
    response = await client.patch(url, json={"lesson": str(second.uuid)}, headers=headers)
    assert response.status_code == 409
    assert (await fresh(db, Quiz, quiz.id)).lesson_id == first.id
    response = await client.patch(url, json={"lesson": None}, headers=headers)
    assert response.json()["lesson"] is None
    assert (await fresh(db, Quiz, quiz.id)).lesson_id is None
    assert (await fresh(db, Quiz, taken.id)).lesson_id == second.id


async def test_patch_settings(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    response = await client.patch(
        quiz_url(course, quiz),
        json={"time_limit": 15, "passing_score": 50, "max_attempts": 2, "title": "Renamed"},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    row = await fresh(db, Quiz, quiz.id)
    assert (row.time_limit, row.passing_score, row.max_attempts, row.title) == (
        15,
        Decimal("50.00"),
        2,
        "Renamed",
    )
    response = await client.patch(
        quiz_url(course, quiz), json={"time_limit": None}, headers=bearer(author)
    )
    assert response.json()["time_limit"] is None


@pytest.mark.parametrize(
    "payload",
    [
        {"title": None},
        {"passing_score": None},
        {"max_attempts": None},
        {"is_published": None},
        {"title": ""},
        {"time_limit": 0},
        {"passing_score": 101},
        {"max_attempts": -1},
        {"questions_per_page": -2},
        {"total_questions": 3},
        {"uuid": "00000000-0000-4000-8000-000000000000"},
    ],
)
async def test_patch_refuses_bad_input(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    payload: Any,
) -> None:
    before = await snapshot(db, quiz)
    response = await client.patch(quiz_url(course, quiz), json=payload, headers=bearer(author))
    assert response.status_code == 422, response.text
    assert await snapshot(db, quiz) == before


async def test_publishing_needs_questions(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    url, headers = quiz_url(course, quiz), bearer(author)
    response = await client.patch(url, json={"is_published": True, "title": "X"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["type"].endswith("quiz_has_no_questions")
    row = await fresh(db, Quiz, quiz.id)
    assert (row.is_published, row.title) == (False, "Checkpoint")
    await create_question(db, quiz, "true_false")
    response = await client.patch(url, json={"is_published": True}, headers=headers)
    assert response.status_code == 200
    assert response.json()["is_published"] is True
    response = await client.patch(url, json={"is_published": False}, headers=headers)
    assert response.json()["is_published"] is False


async def test_list_in_order_paginated(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, engine: AsyncEngine
) -> None:
    section = await create_section(db, course)
    lesson = await create_lesson(db, section, type=LessonType.QUIZ)
    await create_quiz(db, course, title="B", order=2, lesson_id=lesson.id)
    await create_quiz(db, course, title="A", order=1)
    await create_quiz(db, course, title="C", order=3)
    await create_quiz(db, await create_course(db, author), title="elsewhere")
    with count_queries(engine) as statements:
        response = await client.get(
            quizzes_url(course), params={"per_page": 2}, headers=bearer(author)
        )
    assert response.status_code == 200
    body = response.json()
    assert [q["title"] for q in body["items"]] == ["A", "B"]
    assert body["items"][1]["lesson"] == str(lesson.uuid)
    assert body["meta"]["total"] == 3
    page2 = await client.get(
        quizzes_url(course), params={"per_page": 2, "page": 2}, headers=bearer(author)
    )
    assert [q["title"] for q in page2.json()["items"]] == ["C"]
    assert len(statements) <= 8  # auth + access + count + page + lessons, whatever the size


async def test_get_with_questions_and_keys(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    second = await create_question(db, quiz, "matching", points=Decimal(3))
    first = await create_question(db, quiz, "single_choice", order=0)
    second.order = 1
    await db.flush()
    response = await client.get(quiz_url(course, quiz), headers=bearer(author))
    assert response.status_code == 200
    body = response.json()
    assert body["total_questions"] == 2
    assert Decimal(body["total_points"]) == 4
    assert [q["id"] for q in body["questions"]] == [first.id, second.id]
    single = body["questions"][0]
    assert [o["is_correct"] for o in single["options"]] == [False, True, False]
    assert single["settings"] == {}
    matching = body["questions"][1]
    assert [o["match_with"] for o in matching["options"]] == ["Paris", "Rome", "Madrid"]
    assert matching["settings"] == {"partial_credit": True}


async def test_get_counts_statements(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    quiz: Quiz,
    engine: AsyncEngine,
) -> None:
    async def count() -> int:
        with count_queries(engine) as statements:
            assert (await client.get(quiz_url(course, quiz), headers=bearer(author))).is_success
        return len(statements)

    await create_question(db, quiz, "single_choice")
    few = await count()
    for kind in ("matching", "ordering", "fill_blank", "multiple_choice"):
        await create_question(db, quiz, kind)
    assert await count() == few


async def test_delete(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    question = await create_question(db, quiz, "single_choice")
    response = await client.delete(quiz_url(course, quiz), headers=bearer(author))
    assert response.status_code == 204
    assert await fresh(db, Quiz, quiz.id) is None
    assert await fresh(db, QuizQuestion, question.id) is None
    response = await client.delete(quiz_url(course, quiz), headers=bearer(author))
    assert response.status_code == 404


async def test_delete_refused_once_attempted(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    await create_question(db, quiz, "single_choice")
    learner = await create_user(db)
    db.add(QuizAttempt(user_id=learner.id, quiz_id=quiz.id))
    await db.flush()
    before = await snapshot(db, quiz)
    response = await client.delete(quiz_url(course, quiz), headers=bearer(author))
    assert response.status_code == 409
    assert response.json()["type"].endswith("quiz_has_attempts")
    assert await snapshot(db, quiz) == before


async def test_co_instructor_and_admin_may_edit(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, quiz: Quiz
) -> None:
    co = await create_author(db)
    await add_co_instructor(db, course, co)
    admin = await create_admin(db)
    for user in (co, admin):
        response = await client.patch(
            quiz_url(course, quiz), json={"title": f"by {user.id}"}, headers=bearer(user)
        )
        assert response.status_code == 200, response.text
        await db.refresh(quiz)
        assert quiz.title == f"by {user.id}"
        listed = await client.get(quizzes_url(course), headers=bearer(user))
        assert listed.status_code == 200
        assert [item["title"] for item in listed.json()["items"]] == [f"by {user.id}"]


async def test_access_refusals(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, quiz: Quiz
) -> None:
    student = await create_user(db)
    stranger = await create_author(db)
    other_course = await create_course(db, stranger)
    foreign = await create_quiz(db, other_course)
    before = await snapshot(db, quiz)
    requests: list[tuple[str, str, Any]] = [
        ("GET", quizzes_url(course), None),
        ("POST", quizzes_url(course), {"title": "x"}),
        ("GET", quiz_url(course, quiz), None),
        ("PATCH", quiz_url(course, quiz), {"title": "x"}),
        ("DELETE", quiz_url(course, quiz), None),
    ]
    for method, url, payload in requests:
        assert (await client.request(method, url, json=payload)).status_code == 401
        response = await client.request(method, url, json=payload, headers=bearer(student))
        assert response.status_code == 403, (method, url)
        response = await client.request(method, url, json=payload, headers=bearer(stranger))
        assert response.status_code == 404, (method, url)
    # The stranger's own quiz is not reachable under this course, nor this one under theirs.
    for url in (quiz_url(course, foreign), quiz_url(other_course, quiz)):
        for method, payload in (("GET", None), ("PATCH", {"title": "x"}), ("DELETE", None)):
            response = await client.request(method, url, json=payload, headers=bearer(author))
            assert response.status_code == 404, (method, url)
    response = await client.get(f"{quizzes_url(course)}/not-a-uuid", headers=bearer(author))
    assert response.status_code == 422
    assert await snapshot(db, quiz) == before
    assert (await fresh(db, Quiz, foreign.id)).title == foreign.title
