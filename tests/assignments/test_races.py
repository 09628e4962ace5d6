"""Parallel submissions, committing for real: max_submissions holds."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from sqlalchemy import select

from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    CourseStatus,
    Enrollment,
    InstructorProfile,
    InstructorProfileStatus,
    User,
    UserRole,
)
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH


def _user(role: UserRole = UserRole.STUDENT) -> User:
    n = uuid.uuid4().hex[:10]
    return User(
        name=n, username=f"u{n}", email=f"{n}@example.test", password_hash=PASSWORD_HASH, role=role
    )


async def _setup(live: Live, **settings: object) -> tuple[User, Course, Assignment]:
    owner, student = _user(UserRole.INSTRUCTOR), _user()
    await live.add(owner, student)
    await live.add(InstructorProfile(user_id=owner.id, status=InstructorProfileStatus.APPROVED))
    course = Course(
        instructor_id=owner.id,
        title="Racy",
        slug=f"racy-{uuid.uuid4().hex[:8]}",
        status=CourseStatus.PUBLISHED,
        is_published=True,
        is_approved=True,
    )
    await live.add(course)
    await live.add(Enrollment(user_id=student.id, course_id=course.id))
    assignment = Assignment(
        course_id=course.id, title="Essay", is_published=True, attachments=[], **settings
    )
    await live.add(assignment)
    return student, course, assignment


async def _rows(live: Live, assignment: Assignment) -> list[AssignmentSubmission]:
    async with live.sessions() as session:
        rows = await session.scalars(
            select(AssignmentSubmission)
            .where(AssignmentSubmission.assignment_id == assignment.id)
            .order_by(AssignmentSubmission.submission_number)
        )
        return list(rows)


async def test_parallel_submissions_make_one(live: Live) -> None:
    student, course, assignment = await _setup(live, max_submissions=1)
    url = f"/api/v1/learn/{course.uuid}/assignments/{assignment.uuid}/submissions"
    responses = await asyncio.gather(
        *(
            live.client.post(
                url, data={"content": f"try {n}", "submit": "true"}, headers=bearer(student)
            )
            for n in range(10)
        )
    )
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 409: 9}, [r.text for r in responses]
    [row] = await _rows(live, assignment)
    assert (row.status, row.submission_number) == (AssignmentSubmissionStatus.SUBMITTED, 1)


async def test_parallel_resubmissions_stop_at_max(live: Live) -> None:
    student, course, assignment = await _setup(live, max_submissions=2)
    await live.add(
        AssignmentSubmission(
            assignment_id=assignment.id,
            user_id=student.id,
            submission_number=1,
            status=AssignmentSubmissionStatus.RETURNED,
            content="first",
        )
    )
    url = f"/api/v1/learn/{course.uuid}/assignments/{assignment.uuid}/submissions"
    responses = await asyncio.gather(
        *(
            live.client.post(
                url, data={"content": "again", "submit": "true"}, headers=bearer(student)
            )
            for _ in range(10)
        )
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9, [
        r.text for r in responses
    ]
    rows = await _rows(live, assignment)
    assert [(r.submission_number, r.status) for r in rows] == [
        (1, AssignmentSubmissionStatus.RESUBMIT),
        (2, AssignmentSubmissionStatus.SUBMITTED),
    ]


async def test_parallel_submits_of_one_draft(live: Live) -> None:
    student, course, assignment = await _setup(live)
    draft = AssignmentSubmission(
        assignment_id=assignment.id,
        user_id=student.id,
        submission_number=1,
        status=AssignmentSubmissionStatus.DRAFT,
        content="draft",
    )
    await live.add(draft)
    url = (
        f"/api/v1/learn/{course.uuid}/assignments/{assignment.uuid}/submissions/{draft.uuid}/submit"
    )
    responses = await asyncio.gather(
        *(live.client.post(url, headers=bearer(student)) for _ in range(8))
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 7
    rows = await _rows(live, assignment)
    assert [(r.submission_number, r.status) for r in rows] == [
        (1, AssignmentSubmissionStatus.SUBMITTED)
    ]
    assert rows[0].submitted_at is not None
