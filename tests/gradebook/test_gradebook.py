"""The gradebook: a row per student, quiz and assignment columns, the overall result,
paging, the CSV export and its formula guard, access, a fixed number of statements."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    AssignmentSubmissionStatus,
    Course,
    EnrollmentStatus,
    QuizAttempt,
    QuizAttemptStatus,
    User,
)
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.curriculum import create_author
from tests.factories.learning import create_published_course
from tests.factories.quizzes import create_quiz
from tests.queries import count_queries

Status = AssignmentSubmissionStatus


def url(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}/gradebook"


async def attempt(
    db: AsyncSession,
    quiz_id: int,
    user: User,
    number: int,
    percentage: str,
    status: QuizAttemptStatus = QuizAttemptStatus.GRADED,
    passed: bool = False,
) -> None:
    db.add(
        QuizAttempt(
            quiz_id=quiz_id,
            user_id=user.id,
            attempt_number=number,
            percentage=Decimal(percentage),
            status=status,
            is_passed=passed,
        )
    )
    await db.flush()


async def _setup(db: AsyncSession) -> tuple[User, Course, User, User, dict[str, object]]:
    author = await create_author(db)
    course = await create_published_course(db, author)
    ann = await create_user(db, name="Ann")
    bob = await create_user(db, name="=Bob")
    await create_enrollment(db, ann, course)
    await create_enrollment(db, bob, course, status=EnrollmentStatus.EXPIRED)
    quiz = await create_quiz(db, course, title="Q1", is_published=True, is_required=True, order=0)
    await create_quiz(db, course, title="Hidden", is_published=False)
    essay = await create_assignment(
        db,
        course,
        title="Essay",
        total_points=Decimal("50"),
        passing_points=Decimal("25"),
        is_required=True,
        order=0,
    )
    extra = await create_assignment(db, course, title="Extra", order=1)
    await create_assignment(db, course, title="Gone", deleted_at=essay.created_at)
    # Ann: quiz 60 then 90 (passed), an in-progress 100 that does not count.
    await attempt(db, quiz.id, ann, 1, "60")
    await attempt(db, quiz.id, ann, 2, "90", passed=True)
    await attempt(db, quiz.id, ann, 3, "100", status=QuizAttemptStatus.IN_PROGRESS)
    # Ann's essay: #1 graded 10, returned... the latest graded (#2) counts: 40 / 50.
    await create_submission(
        db, essay, ann, submission_number=1, status=Status.GRADED, points_earned=Decimal("10")
    )
    await create_submission(
        db, essay, ann, submission_number=2, status=Status.GRADED, points_earned=Decimal("40")
    )
    await create_submission(db, essay, ann, submission_number=3, status=Status.SUBMITTED)
    # Bob: a submitted (not yet graded) quiz attempt at 50; extra graded 80 / 100.
    await attempt(db, quiz.id, bob, 1, "50", status=QuizAttemptStatus.SUBMITTED)
    await create_submission(db, extra, bob, status=Status.GRADED, points_earned=Decimal("80"))
    return author, course, ann, bob, {"quiz": quiz, "essay": essay, "extra": extra}


async def test_gradebook(client: httpx.AsyncClient, db: AsyncSession) -> None:
    author, course, _ann, _bob, _items = await _setup(db)
    response = await client.get(url(course), headers=bearer(author))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(c["kind"], c["title"], c["max_points"]) for c in body["columns"]] == [
        ("quiz", "Q1", "100"),
        ("assignment", "Essay", "50.00"),
        ("assignment", "Extra", "100.00"),
    ]
    rows = {r["name"]: r for r in body["items"]}
    assert [r["name"] for r in body["items"]] == ["=Bob", "Ann"]
    a = rows["Ann"]
    assert [(g["score"], g["percentage"], g["passed"]) for g in a["grades"]] == [
        ("90.00", "90.00", True),
        ("40.00", "80.00", True),
        (None, None, None),
    ]
    assert (a["percentage"], a["passed"]) == ("85.00", True)
    b = rows["=Bob"]
    assert b["enrollment_status"] == "expired"
    assert [(g["score"], g["percentage"], g["passed"]) for g in b["grades"]] == [
        ("50.00", "50.00", False),
        (None, None, None),
        ("80.00", "80.00", True),
    ]
    assert (b["percentage"], b["passed"]) == ("65.00", False)
    assert body["meta"]["total"] == 2

    page = await client.get(url(course), params={"per_page": 1, "page": 2}, headers=bearer(author))
    assert [r["name"] for r in page.json()["items"]] == ["Ann"]
    assert page.json()["meta"] == {"total": 2, "page": 2, "per_page": 1, "pages": 2}


async def test_no_required_items_means_passed_is_null(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    author = await create_author(db)
    course = await create_published_course(db, author)
    await create_enrollment(db, await create_user(db), course)
    response = await client.get(url(course), headers=bearer(author))
    [row] = response.json()["items"]
    assert (response.json()["columns"], row["grades"], row["percentage"], row["passed"]) == (
        [],
        [],
        None,
        None,
    )


async def test_csv(client: httpx.AsyncClient, db: AsyncSession) -> None:
    author, course, *_ = await _setup(db)
    response = await client.get(f"{url(course)}.csv", headers=bearer(author))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "student",
        "email",
        "enrollment_status",
        "progress_percentage",
        "quiz: Q1 (%)",
        "assignment: Essay (/50.00)",
        "assignment: Extra (/100.00)",
        "overall_percentage",
        "passed",
    ]
    assert rows[1][0] == "'=Bob"  # formula guarded
    assert rows[1][4:] == ["50.00", "", "80.00", "65.00", "no"]
    assert rows[2][4:] == ["90.00", "40.00", "", "85.00", "yes"]


async def test_access(client: httpx.AsyncClient, db: AsyncSession) -> None:
    _author, course, ann, *_ = await _setup(db)
    assert (await client.get(url(course), headers=bearer(ann))).status_code == 403
    assert (await client.get(f"{url(course)}.csv", headers=bearer(ann))).status_code == 403
    stranger = await create_author(db)
    assert (await client.get(url(course), headers=bearer(stranger))).status_code == 404
    assert (await client.get(url(course))).status_code == 401


async def test_fixed_number_of_statements(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    author, course, *_ = await _setup(db)
    with count_queries(app.state.engine) as small:
        assert (await client.get(url(course), headers=bearer(author))).status_code == 200
    for _n in range(5):
        student = await create_user(db)
        await create_enrollment(db, student, course)
        quiz = await create_quiz(db, course, is_published=True)
        await attempt(db, quiz.id, student, 1, "70")
        assignment = await create_assignment(db, course)
        await create_submission(db, assignment, student, status=Status.GRADED)
    with count_queries(app.state.engine) as large:
        assert (await client.get(url(course), headers=bearer(author))).status_code == 200
    assert len(small) == len(large)
    with count_queries(app.state.engine) as export:
        assert (await client.get(f"{url(course)}.csv", headers=bearer(author))).status_code == 200
    assert len(export) == len(large) - 1  # no count for pages
