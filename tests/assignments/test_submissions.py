"""The learner's side: reading an assignment, drafts with text and files, handing in,
limits (type 415, size 413, max_submissions 409), due dates, resubmission, privacy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    SettingType,
    User,
)
from tests.assignments.conftest import PDF, PNG, fresh, learn
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.platform import create_setting

Status = AssignmentSubmissionStatus


async def _rows(db: AsyncSession, assignment: Assignment) -> list[AssignmentSubmission]:
    rows = await db.scalars(
        select(AssignmentSubmission)
        .where(AssignmentSubmission.assignment_id == assignment.id)
        .order_by(AssignmentSubmission.submission_number)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def test_view_assignment(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
    lesson: Lesson,
) -> None:
    assignment = await create_assignment(
        db,
        course,
        lesson_id=lesson.id,
        attachments=[
            {
                "id": "ab12",
                "name": "brief.pdf",
                "path": "assignments/x.pdf",
                "size": 3,
                "type": "application/pdf",
            }
        ],
    )
    response = await client.get(learn(course, assignment), headers=bearer(student))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lesson"] == str(lesson.uuid)
    assert body["attachments"] == [
        {"id": "ab12", "name": "brief.pdf", "size": 3, "type": "application/pdf"}
    ]
    assert (body["submissions"], body["submissions_used"], body["can_submit"]) == ([], 0, True)


async def test_who_may_see_it(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    assignment = await create_assignment(db, course)
    hidden = await create_assignment(db, course, is_published=False)
    stranger = await create_user(db)
    assert (
        await client.get(learn(course, assignment), headers=bearer(stranger))
    ).status_code == 403
    assert (await client.get(learn(course, assignment))).status_code == 401
    await create_enrollment(db, student, course)
    assert (await client.get(learn(course, hidden), headers=bearer(student))).status_code == 404
    deleted = await create_assignment(db, course, deleted_at=utcnow())
    assert (await client.get(learn(course, deleted), headers=bearer(student))).status_code == 404


async def test_suspended_enrollment_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    assignment = await create_assignment(db, course)
    await create_enrollment(db, student, course, status=EnrollmentStatus.REFUNDED)
    response = await client.post(
        f"{learn(course, assignment)}/submissions", data={"content": "x"}, headers=bearer(student)
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/enrollment_refunded")
    assert await _rows(db, assignment) == []


async def test_locked_lesson_is_403(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
    lesson: Lesson,
) -> None:
    lesson.is_locked = True
    await db.flush()
    assignment = await create_assignment(db, course, lesson_id=lesson.id)
    response = await client.get(learn(course, assignment), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/lesson_locked")


async def test_draft_edit_and_submit(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, allowed_file_types=["pdf", "txt"])
    url = f"{learn(course, assignment)}/submissions"
    created = await client.post(
        url,
        data={"content": " First try "},
        files=[("files", ("work.pdf", PDF, "application/pdf"))],
        headers=bearer(student),
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["status"], draft["submission_number"], draft["content"]) == (
        "draft",
        1,
        "First try",
    )
    [pdf] = draft["files"]
    assert (pdf["name"], pdf["type"], pdf["size"]) == ("work.pdf", "application/pdf", len(PDF))

    again = await client.post(url, data={"content": "x"}, headers=bearer(student))
    assert again.status_code == 409
    assert again.json()["type"].endswith("/draft_exists")

    one = f"{url}/{draft['uuid']}"
    edited = await client.patch(
        one,
        data={"content": "Second try"},
        files=[("files", ("notes.txt", "plain notes ✓".encode(), "text/plain"))],
        headers=bearer(student),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["content"] == "Second try"
    names = [(f["name"], f["type"]) for f in edited.json()["files"]]
    assert names == [("work.pdf", "application/pdf"), ("notes.txt", "text/plain")]
    download = await client.get(f"{one}/files/{pdf['id']}", headers=bearer(student))
    assert download.status_code == 200
    assert download.content == PDF
    removed = await client.delete(f"{one}/files/{pdf['id']}", headers=bearer(student))
    assert removed.status_code == 204

    submitted = await client.post(f"{one}/submit", headers=bearer(student))
    assert submitted.status_code == 200, submitted.text
    out = submitted.json()
    assert (out["status"], out["is_late"], out["points_earned"]) == ("submitted", False, None)
    assert out["submitted_at"] is not None
    [row] = await _rows(db, assignment)
    assert (row.status, row.enrollment_id, row.content) == (
        Status.SUBMITTED,
        enrollment.id,
        "Second try",
    )
    assert [f["name"] for f in row.files] == ["notes.txt"]

    twice = await client.post(f"{one}/submit", headers=bearer(student))
    assert twice.status_code == 409
    assert twice.json()["type"].endswith("/already_submitted")
    late_edit = await client.patch(one, data={"content": "z"}, headers=bearer(student))
    assert late_edit.status_code == 409
    assert late_edit.json()["type"].endswith("/not_a_draft")
    more = await client.post(url, data={"content": "x"}, headers=bearer(student))
    assert more.status_code == 409
    assert more.json()["type"].endswith("/already_submitted")
    view = await client.get(learn(course, assignment), headers=bearer(student))
    assert (view.json()["submissions_used"], view.json()["can_submit"]) == (1, False)


async def test_empty_submission_is_422(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course)
    response = await client.post(
        f"{learn(course, assignment)}/submissions", data={"submit": "true"}, headers=bearer(student)
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/empty_submission")
    assert await _rows(db, assignment) == []


async def test_wrong_type_is_415(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, allowed_file_types=["pdf", "txt"])
    url = f"{learn(course, assignment)}/submissions"
    for name, content in (
        ("photo.pdf", PNG),  # a PNG named .pdf
        ("program.txt", b"MZ\x90\x00" + b"\x00" * 200),  # binary named .txt
        ("script.py", b"print('hi')\n"),  # text, but not an allowed extension
    ):
        response = await client.post(
            url,
            data={"content": "x"},
            files=[("files", (name, content, "application/pdf"))],
            headers=bearer(student),
        )
        assert response.status_code == 415, (name, response.text)
    assert await _rows(db, assignment) == []
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))
    # On a draft too: nothing added.
    draft = await create_submission(db, assignment, student, status=Status.DRAFT)
    response = await client.patch(
        f"{url}/{draft.uuid}",
        files=[("files", ("a.png", PNG, "image/png"))],
        headers=bearer(student),
    )
    assert response.status_code == 415
    assert (await fresh(db, AssignmentSubmission, draft.id)).files == []


async def test_too_big_is_413(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, max_file_size=1, allowed_file_types=["txt"])
    url = f"{learn(course, assignment)}/submissions"
    big = b"a" * (1024 * 1024 + 1)
    response = await client.post(
        url, files=[("files", ("big.txt", big, "text/plain"))], headers=bearer(student)
    )
    assert response.status_code == 413
    assert await _rows(db, assignment) == []
    fits = await client.post(
        url, files=[("files", ("ok.txt", big[:-1], "text/plain"))], headers=bearer(student)
    )
    assert fits.status_code == 201, fits.text


async def test_too_many_files(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course)
    response = await client.post(
        f"{learn(course, assignment)}/submissions",
        files=[("files", (f"{n}.txt", b"text", "text/plain")) for n in range(11)],
        headers=bearer(student),
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/too_many_files")


async def test_past_due_refused_unless_late_allowed(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    past = utcnow() - timedelta(hours=1)
    strict = await create_assignment(db, course, due_date=past)
    response = await client.post(
        f"{learn(course, strict)}/submissions",
        data={"content": "x", "submit": "true"},
        headers=bearer(student),
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/past_due")
    assert await _rows(db, strict) == []
    # A draft started before the due date cannot be handed in after it.
    draft = await create_submission(db, strict, student, status=Status.DRAFT)
    late = await client.post(
        f"{learn(course, strict)}/submissions/{draft.uuid}/submit", headers=bearer(student)
    )
    assert late.status_code == 409
    assert late.json()["type"].endswith("/past_due")
    assert (await fresh(db, AssignmentSubmission, draft.id)).status is Status.DRAFT

    lenient = await create_assignment(
        db, course, due_date=past, allow_late_submission=True, late_submission_penalty=10
    )
    ok = await client.post(
        f"{learn(course, lenient)}/submissions",
        data={"content": "x", "submit": "true"},
        headers=bearer(student),
    )
    assert ok.status_code == 201, ok.text
    assert (ok.json()["status"], ok.json()["is_late"]) == ("submitted", True)


async def test_another_students_submission_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course)
    other = await create_user(db)
    await create_enrollment(db, other, course)
    theirs = await create_submission(
        db,
        assignment,
        other,
        status=Status.DRAFT,
        files=[
            {
                "id": "ab",
                "name": "a.txt",
                "path": "submissions/a.txt",
                "size": 1,
                "type": "text/plain",
            }
        ],
    )
    base = f"{learn(course, assignment)}/submissions/{theirs.uuid}"
    for method, path in (
        ("GET", base),
        ("PATCH", base),
        ("DELETE", base),
        ("POST", f"{base}/submit"),
        ("GET", f"{base}/files/ab"),
        ("DELETE", f"{base}/files/ab"),
    ):
        response = await client.request(method, path, headers=bearer(student))
        assert response.status_code == 404, (method, path, response.text)
    row = await fresh(db, AssignmentSubmission, theirs.id)
    assert (row.status, len(row.files)) == (Status.DRAFT, 1)
    # Through another assignment's URL too.
    second = await create_assignment(db, course)
    mine = await create_submission(db, second, student)
    wrong = await client.get(
        f"{learn(course, assignment)}/submissions/{mine.uuid}", headers=bearer(student)
    )
    assert wrong.status_code == 404


async def test_discard_draft_frees_the_number(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course)
    draft = await create_submission(db, assignment, student, status=Status.DRAFT)
    url = f"{learn(course, assignment)}/submissions"
    assert (await client.delete(f"{url}/{draft.uuid}", headers=bearer(student))).status_code == 204
    assert await _rows(db, assignment) == []
    again = await client.post(url, data={"content": "y"}, headers=bearer(student))
    assert again.json()["submission_number"] == 1
    handed_in = await create_assignment(db, course)
    done = await create_submission(db, handed_in, student)
    refused = await client.delete(
        f"{learn(course, handed_in)}/submissions/{done.uuid}", headers=bearer(student)
    )
    assert refused.status_code == 409


async def test_resubmission_flow_and_max_submissions(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, max_submissions=2)
    url = f"{learn(course, assignment)}/submissions"
    first = await create_submission(
        db, assignment, student, status=Status.RETURNED, feedback="Redo"
    )
    view = await client.get(learn(course, assignment), headers=bearer(student))
    assert view.json()["can_submit"] is True
    assert view.json()["submissions"][0]["feedback"] == "Redo"
    second = await client.post(
        url, data={"content": "better", "submit": "true"}, headers=bearer(student)
    )
    assert second.status_code == 201, second.text
    assert second.json()["submission_number"] == 2
    assert (await fresh(db, AssignmentSubmission, first.id)).status is Status.RESUBMIT
    rows = await _rows(db, assignment)
    rows[1].status = Status.RETURNED
    await db.flush()
    third = await client.post(url, data={"content": "again"}, headers=bearer(student))
    assert third.status_code == 409
    assert third.json()["type"].endswith("/max_submissions_reached")
    assert len(await _rows(db, assignment)) == 2

    graded = await create_assignment(db, course, max_submissions=0)
    await create_submission(db, graded, student, status=Status.GRADED)
    final = await client.post(
        f"{learn(course, graded)}/submissions", data={"content": "x"}, headers=bearer(student)
    )
    assert final.status_code == 409
    assert final.json()["type"].endswith("/already_graded")


async def test_unlimited_submissions(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, max_submissions=0)
    for n in range(1, 4):
        await create_submission(
            db, assignment, student, status=Status.RETURNED, submission_number=n
        )
    response = await client.post(
        f"{learn(course, assignment)}/submissions", data={"content": "x"}, headers=bearer(student)
    )
    assert response.status_code == 201
    assert response.json()["submission_number"] == 4
    count = await db.scalar(
        select(func.count())
        .select_from(AssignmentSubmission)
        .where(AssignmentSubmission.assignment_id == assignment.id)
    )
    assert count == 4


async def test_attachment_download_for_learners(
    client: httpx.AsyncClient, db: AsyncSession, author: User, student: User, course: Course
) -> None:
    assignment = await create_assignment(db, course)
    added = await client.post(
        f"/api/v1/studio/courses/{course.uuid}/assignments/{assignment.uuid}/attachments",
        files={"file": ("brief.pdf", PDF, "application/pdf")},
        headers=bearer(author),
    )
    file_id = added.json()["attachments"][0]["id"]
    url = f"{learn(course, assignment)}/attachments/{file_id}"
    assert (await client.get(url, headers=bearer(student))).status_code == 403
    await create_enrollment(db, student, course)
    got = await client.get(url, headers=bearer(student))
    assert got.status_code == 200
    assert got.content == PDF
    assert "attachment" in got.headers["content-disposition"]


async def test_platform_limit_caps_the_assignments(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    await create_setting(db, "uploads.max_file_mb", 1, SettingType.INTEGER)
    assignment = await create_assignment(db, course, max_file_size=0, allowed_file_types=["txt"])
    big = b"a" * (1024 * 1024 + 1)
    response = await client.post(
        f"{learn(course, assignment)}/submissions",
        files=[("files", ("big.txt", big, "text/plain"))],
        headers=bearer(student),
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload_too_large")


async def test_cannot_start_after_the_due_date(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    enrollment: Enrollment,
    course: Course,
) -> None:
    assignment = await create_assignment(db, course, due_date=utcnow() - timedelta(minutes=1))
    view = await client.get(learn(course, assignment), headers=bearer(student))
    assert view.json()["can_submit"] is False
