"""My grades: my graded quiz attempts and assignment submissions across courses, newest first,
nobody else's, in a fixed number of statements."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.types import utcnow
from lectern.models import AssignmentSubmissionStatus, QuizAttempt, QuizAttemptStatus, User
from tests.conftest import bearer
from tests.factories import create_course, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.quizzes import create_quiz
from tests.queries import count_queries

URL = "/api/v1/me/grades"
_attempt_numbers = itertools.count(1)


async def _graded_attempt(
    db: AsyncSession, quiz_id: int, user: User, percentage: str, *, hours_ago: int, passed: bool
) -> QuizAttempt:
    now = utcnow()
    attempt = QuizAttempt(
        quiz_id=quiz_id,
        user_id=user.id,
        attempt_number=next(_attempt_numbers),
        status=QuizAttemptStatus.GRADED,
        percentage=Decimal(percentage),
        is_passed=passed,
        submitted_at=now - timedelta(hours=hours_ago),
        feedback="Well argued" if passed else None,
    )
    db.add(attempt)
    await db.flush()
    return attempt


async def test_my_graded_work_across_courses_newest_first(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    me, other = await create_user(db), await create_user(db)
    python = await create_course(db, title="Python")
    writing = await create_course(db, title="Writing")
    quiz = await create_quiz(db, python, title="Loops", is_published=True)
    essay = await create_assignment(
        db, writing, title="Essay", total_points=Decimal("20"), passing_points=Decimal("14")
    )
    old = await _graded_attempt(db, quiz.id, me, "40", hours_ago=5, passed=False)
    new = await _graded_attempt(db, quiz.id, me, "90", hours_ago=1, passed=True)
    await _graded_attempt(db, quiz.id, other, "100", hours_ago=1, passed=True)  # not mine
    in_progress = QuizAttempt(quiz_id=quiz.id, user_id=me.id, attempt_number=next(_attempt_numbers))
    db.add(in_progress)  # not graded: not listed
    submission = await create_submission(
        db, essay, me, status=AssignmentSubmissionStatus.GRADED, points_earned=Decimal("15"),
        graded_at=utcnow() - timedelta(hours=3), feedback="Tighter, please",
    )  # fmt: skip
    await create_submission(db, essay, other, status=AssignmentSubmissionStatus.SUBMITTED)
    await db.commit()

    response = await client.get(URL, headers=bearer(me))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["total"] == 3
    assert [item["uuid"] for item in body["items"]] == [
        str(new.uuid),
        str(submission.uuid),
        str(old.uuid),
    ]
    latest, graded_essay, first = body["items"]
    assert latest["kind"] == "quiz"
    assert latest["course"] == {"uuid": str(python.uuid), "title": "Python", "slug": python.slug}
    assert latest["item"] == {"uuid": str(quiz.uuid), "title": "Loops"}
    assert (latest["score"], latest["max_score"], latest["percentage"]) == (
        "90.00",
        "100.00",
        "90.00",
    )
    assert (latest["passed"], latest["feedback"]) == (True, "Well argued")
    assert graded_essay["kind"] == "assignment"
    assert graded_essay["item"] == {"uuid": str(essay.uuid), "title": "Essay"}
    assert (graded_essay["score"], graded_essay["max_score"], graded_essay["percentage"]) == (
        "15.00",
        "20.00",
        "75.00",
    )
    assert (graded_essay["passed"], graded_essay["feedback"]) == (True, "Tighter, please")
    assert (first["passed"], first["percentage"]) == (False, "40.00")

    second_page = await client.get(URL, params={"page": 2, "per_page": 2}, headers=bearer(me))
    assert [item["uuid"] for item in second_page.json()["items"]] == [str(old.uuid)]


async def test_no_grades_yet_is_an_empty_page_and_anonymous_is_401(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    me = await create_user(db)
    await db.commit()
    empty = (await client.get(URL, headers=bearer(me))).json()
    assert (empty["items"], empty["meta"]["total"]) == ([], 0)
    assert (await client.get(URL)).status_code == 401


async def test_the_same_statements_for_one_grade_or_many(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine
) -> None:
    me = await create_user(db)
    course = await create_course(db)
    quiz = await create_quiz(db, course, is_published=True)
    await _graded_attempt(db, quiz.id, me, "50", hours_ago=1, passed=False)
    await db.commit()
    with count_queries(engine) as one:
        assert (await client.get(URL, headers=bearer(me))).status_code == 200
    for hours in range(2, 12):
        await _graded_attempt(db, quiz.id, me, "60", hours_ago=hours, passed=True)
    await db.commit()
    with count_queries(engine) as many:
        assert (await client.get(URL, headers=bearer(me))).status_code == 200
    assert len(one) == len(many)
