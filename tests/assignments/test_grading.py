"""Instructors grading: the queue, start grading, points and the late penalty, inline
comments, returning for resubmission, lesson completion and the e-mail to the student."""

from __future__ import annotations

from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.models import (
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    NotificationPreference,
    User,
)
from tests.assignments.conftest import fresh, studio
from tests.conftest import bearer
from tests.factories import create_course, create_enrollment, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.curriculum import create_author

Status = AssignmentSubmissionStatus


def url(course: Course, row: AssignmentSubmission | None = None) -> str:
    base = f"{studio(course)}/assignment-submissions"
    return f"{base}/{row.uuid}" if row is not None else base


async def mails(folder: Path) -> list[EmailMessage]:
    await jobs.wait_for_jobs()
    if not folder.exists():
        return []
    out = []
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


async def completed(db: AsyncSession, enrollment: Enrollment, lesson: Lesson) -> bool:
    return bool(
        await db.scalar(
            select(LessonProgress.is_completed)
            .where(
                LessonProgress.user_id == enrollment.user_id,
                LessonProgress.lesson_id == lesson.id,
            )
            .execution_options(populate_existing=True)
        )
    )


async def test_queue_lists_handed_in_work_oldest_first(
    client: httpx.AsyncClient, db: AsyncSession, author: User, student: User, course: Course
) -> None:
    from datetime import timedelta

    from lectern.kit.types import utcnow

    one = await create_assignment(db, course, title="One")
    two = await create_assignment(db, course, title="Two")
    other = await create_user(db)
    now = utcnow()
    newer = await create_submission(db, one, student, submitted_at=now)
    older = await create_submission(db, two, other, submitted_at=now - timedelta(hours=1))
    graded = await create_submission(
        db, two, student, status=Status.GRADED, submitted_at=now - timedelta(hours=2)
    )
    await create_submission(db, one, other, status=Status.DRAFT)  # never listed
    elsewhere = await create_assignment(db, await create_course(db, author))
    await create_submission(db, elsewhere, student)

    everything = await client.get(url(course), headers=bearer(author))
    assert everything.status_code == 200
    assert [i["uuid"] for i in everything.json()["items"]] == [
        str(graded.uuid),
        str(older.uuid),
        str(newer.uuid),
    ]
    assert everything.json()["meta"]["total"] == 3
    queue = await client.get(url(course), params={"status": "submitted"}, headers=bearer(author))
    assert [i["uuid"] for i in queue.json()["items"]] == [str(older.uuid), str(newer.uuid)]
    item = queue.json()["items"][0]
    assert item["student"]["email"] == other.email
    assert item["assignment"]["title"] == "Two"
    only = await client.get(
        url(course), params={"assignment": str(one.uuid)}, headers=bearer(author)
    )
    assert [i["uuid"] for i in only.json()["items"]] == [str(newer.uuid)]
    bad = await client.get(url(course), params={"status": "nope"}, headers=bearer(author))
    assert bad.status_code == 422
    assert (await client.get(url(course), headers=bearer(student))).status_code == 403
    stranger = await create_author(db)
    assert (await client.get(url(course), headers=bearer(stranger))).status_code == 404


async def test_drafts_and_other_courses_are_404_to_graders(
    client: httpx.AsyncClient, db: AsyncSession, author: User, student: User, course: Course
) -> None:
    assignment = await create_assignment(db, course)
    draft = await create_submission(db, assignment, student, status=Status.DRAFT)
    assert (await client.get(url(course, draft), headers=bearer(author))).status_code == 404
    other_course = await create_course(db, author)
    theirs = await create_submission(db, await create_assignment(db, other_course), student)
    assert (await client.get(url(course, theirs), headers=bearer(author))).status_code == 404
    grade = await client.post(
        f"{url(course, theirs)}/grade", json={"points": "1"}, headers=bearer(author)
    )
    assert grade.status_code == 404
    assert (await fresh(db, AssignmentSubmission, theirs.id)).status is Status.SUBMITTED


async def test_start_grading_then_grade(
    client: httpx.AsyncClient,
    db: AsyncSession,
    mail_dir: Path,
    author: User,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(
        db, course, total_points=Decimal("20"), passing_points=Decimal("10")
    )
    row = await create_submission(
        db,
        assignment,
        student,
        enrollment_id=enrollment.id,
        files=[
            {
                "id": "f1",
                "name": "a.txt",
                "path": "submissions/a.txt",
                "size": 1,
                "type": "text/plain",
            }
        ],
    )
    started = await client.post(f"{url(course, row)}/start-grading", headers=bearer(author))
    assert started.status_code == 200
    assert started.json()["status"] == "grading"
    again = await client.post(f"{url(course, row)}/start-grading", headers=bearer(author))
    assert again.status_code == 409
    assert again.json()["type"].endswith("/not_submitted")

    comments = [{"file": "f1", "anchor": "line 3", "text": "Nice"}, {"text": "Overall fine"}]
    graded = await client.post(
        f"{url(course, row)}/grade",
        json={"points": "15.5", "feedback": "Good <b>work</b>", "inline_comments": comments},
        headers=bearer(author),
    )
    assert graded.status_code == 200, graded.text
    body = graded.json()
    assert (
        body["status"],
        body["points_earned"],
        body["late_penalty_applied"],
        body["passed"],
    ) == (
        "graded",
        "15.50",
        "0.00",
        True,
    )
    assert body["graded_by"] == str(author.uuid)
    assert body["inline_comments"][0] == {"file": "f1", "anchor": "line 3", "text": "Nice"}
    stored = await fresh(db, AssignmentSubmission, row.id)
    assert (stored.graded_by, stored.feedback) == (author.id, "Good <b>work</b>")
    assert stored.graded_at is not None

    [message] = await mails(mail_dir)
    assert message["To"] == student.email
    assert "graded" in message["Subject"]
    assert assignment.title in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "15.50 / 20.00" in text
    assert "passed" in text
    assert "Good <b>work</b>" in text
    html = message.get_body(("html",)).get_content()
    assert "Good &lt;b&gt;work&lt;/b&gt;" in html

    # The learner sees the grade.
    seen = await client.get(
        f"/api/v1/learn/{course.uuid}/assignments/{assignment.uuid}", headers=bearer(student)
    )
    [mine] = seen.json()["submissions"]
    assert (mine["points_earned"], mine["passed"], mine["feedback"]) == (
        "15.50",
        True,
        "Good <b>work</b>",
    )

    # A regrade is allowed; returning a graded submission is not.
    regrade = await client.post(
        f"{url(course, row)}/grade", json={"points": "5"}, headers=bearer(author)
    )
    assert regrade.status_code == 200
    assert regrade.json()["passed"] is False
    back = await client.post(
        f"{url(course, row)}/return", json={"feedback": "x"}, headers=bearer(author)
    )
    assert back.status_code == 409
    assert back.json()["type"].endswith("/not_returnable")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"points": "20.01"}, "points_above_total"),
        ({"points": "-1"}, None),
        ({"points": "abc"}, None),
        ({}, None),
        ({"points": "1", "inline_comments": [{"file": "nope", "text": "x"}]}, "no_such_file"),
        ({"points": "1", "inline_comments": [{"text": ""}]}, None),
        ({"points": "1", "extra": 1}, None),
    ],
)
async def test_bad_grades_are_422(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    student: User,
    course: Course,
    body: dict,
    code: str | None,
) -> None:
    assignment = await create_assignment(
        db, course, total_points=Decimal("20"), passing_points=Decimal("10")
    )
    row = await create_submission(db, assignment, student)
    response = await client.post(f"{url(course, row)}/grade", json=body, headers=bearer(author))
    assert response.status_code == 422, response.text
    if code:
        assert response.json()["type"].endswith(f"/{code}")
    stored = await fresh(db, AssignmentSubmission, row.id)
    assert (stored.status, stored.points_earned) == (Status.SUBMITTED, Decimal("0.00"))


async def test_late_penalty_applied(
    client: httpx.AsyncClient, db: AsyncSession, author: User, student: User, course: Course
) -> None:
    assignment = await create_assignment(
        db,
        course,
        allow_late_submission=True,
        late_submission_penalty=Decimal("25"),
        passing_points=Decimal("70"),
    )
    late = await create_submission(db, assignment, student, is_late=True)
    response = await client.post(
        f"{url(course, late)}/grade", json={"points": "90"}, headers=bearer(author)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["points_earned"], body["late_penalty_applied"], body["passed"]) == (
        "67.50",
        "25.00",
        False,
    )
    on_time = await create_submission(db, assignment, await create_user(db))
    ok = await client.post(
        f"{url(course, on_time)}/grade", json={"points": "90"}, headers=bearer(author)
    )
    assert (ok.json()["points_earned"], ok.json()["late_penalty_applied"]) == ("90.00", "0.00")


async def test_return_for_resubmission(
    client: httpx.AsyncClient,
    db: AsyncSession,
    mail_dir: Path,
    author: User,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, max_submissions=2)
    row = await create_submission(db, assignment, student, enrollment_id=enrollment.id)
    missing = await client.post(f"{url(course, row)}/return", json={}, headers=bearer(author))
    assert missing.status_code == 422
    back = await client.post(
        f"{url(course, row)}/return", json={"feedback": "Add sources"}, headers=bearer(author)
    )
    assert back.status_code == 200
    assert back.json()["status"] == "returned"
    [message] = await mails(mail_dir)
    assert "returned" in message["Subject"]
    # The student starts over; grading the returned one is refused.
    refused = await client.post(
        f"{url(course, row)}/grade", json={"points": "1"}, headers=bearer(author)
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/not_gradable")
    new = await client.post(
        f"/api/v1/learn/{course.uuid}/assignments/{assignment.uuid}/submissions",
        data={"content": "with sources", "submit": "true"},
        headers=bearer(student),
    )
    assert new.status_code == 201
    assert new.json()["submission_number"] == 2
    assert (await fresh(db, AssignmentSubmission, row.id)).status is Status.RESUBMIT


async def test_no_mail_when_the_student_turned_it_off(
    client: httpx.AsyncClient,
    db: AsyncSession,
    mail_dir: Path,
    author: User,
    student: User,
    course: Course,
) -> None:
    db.add(NotificationPreference(user_id=student.id, email_assignment_feedback=False))
    assignment = await create_assignment(db, course)
    row = await create_submission(db, assignment, student)
    response = await client.post(
        f"{url(course, row)}/grade", json={"points": "80"}, headers=bearer(author)
    )
    assert response.status_code == 200
    assert await mails(mail_dir) == []


async def test_passing_a_required_assignment_completes_its_lesson(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    student: User,
    enrollment: Enrollment,
    course: Course,
    lesson: Lesson,
) -> None:
    assignment = await create_assignment(db, course, lesson_id=lesson.id, is_required=True)
    row = await create_submission(db, assignment, student, enrollment_id=enrollment.id)
    failed = await client.post(
        f"{url(course, row)}/grade", json={"points": "69.99"}, headers=bearer(author)
    )
    assert failed.json()["passed"] is False
    assert not await completed(db, enrollment, lesson)
    passed = await client.post(
        f"{url(course, row)}/grade", json={"points": "70"}, headers=bearer(author)
    )
    assert passed.json()["passed"] is True
    assert await completed(db, enrollment, lesson)


async def test_grading_an_optional_assignment_completes_its_lesson(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    student: User,
    enrollment: Enrollment,
    course: Course,
    lesson: Lesson,
) -> None:
    assignment = await create_assignment(db, course, lesson_id=lesson.id, is_required=False)
    row = await create_submission(db, assignment, student, enrollment_id=enrollment.id)
    response = await client.post(
        f"{url(course, row)}/grade", json={"points": "0"}, headers=bearer(author)
    )
    assert response.json()["passed"] is False
    assert await completed(db, enrollment, lesson)


async def test_no_completion_for_a_lapsed_enrollment(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    learner = await create_user(db)
    enrollment = await create_enrollment(db, learner, course, status=EnrollmentStatus.SUSPENDED)
    assignment = await create_assignment(db, course, lesson_id=lesson.id)
    row = await create_submission(db, assignment, learner, enrollment_id=enrollment.id)
    response = await client.post(
        f"{url(course, row)}/grade", json={"points": "100"}, headers=bearer(author)
    )
    assert response.status_code == 200
    assert not await completed(db, enrollment, lesson)
