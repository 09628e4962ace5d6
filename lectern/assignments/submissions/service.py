"""The learner's side of assignments: reading one, a draft, handing it in.

Flow of a learner's submissions (one row per ``submission_number``, unique per learner and
assignment, so parallel requests cannot exceed ``max_submissions``):

    draft → submitted → grading → graded                (final: no more submissions)
                              ↘ returned → (a new draft, number + 1) → submitted …
                                  the returned one becomes ``resubmit`` once the new one is in

A new draft may be started when the learner has none yet, or their latest was returned for
resubmission and ``max_submissions`` (0 = unlimited) leaves room. After ``due_date`` a draft
cannot be started or handed in (409 ``past_due``) unless ``allow_late_submission``; late
work is marked ``is_late`` and loses ``late_submission_penalty`` % of its points at grading.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import UploadFile
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.curriculum.files import max_upload_bytes
from lectern.curriculum.tasks import delete_stored_file
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit import attachments as files
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import CourseAccess, learner_course, lesson_plan, require_open
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    Lesson,
    User,
)

Status = AssignmentSubmissionStatus
MAX_CONTENT = 100_000


@dataclass(frozen=True)
class Context:
    course: Course
    access: CourseAccess
    assignment: Assignment


@dataclass(frozen=True)
class LearnerView:
    context: Context
    lesson_uuid: uuid.UUID | None
    submissions: list[AssignmentSubmission]  # newest first

    @property
    def used(self) -> int:
        return sum(1 for s in self.submissions if s.status is not Status.DRAFT)

    @property
    def can_submit(self) -> bool:
        try:
            _next_number(self.context.assignment, self.submissions[0] if self.submissions else None)
            _check_due(self.context.assignment)
        except Conflict:
            return False
        return True


async def load(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, assignment_uuid: uuid.UUID
) -> Context:
    """The published assignment, if the user is entitled to the course and its lesson is open."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    assignment = await session.scalar(
        select(Assignment).where(
            Assignment.uuid == assignment_uuid,
            Assignment.course_id == course.id,
            Assignment.deleted_at.is_(None),
            Assignment.is_published.is_(True),
        )
    )
    if assignment is None:
        raise NotFound("no such assignment in this course")
    if assignment.lesson_id is not None:
        require_open(await lesson_plan(session, course, access), assignment.lesson_id)
    return Context(course, access, assignment)


async def _mine(
    session: AsyncSession, user: User, assignment: Assignment
) -> list[AssignmentSubmission]:
    rows = await session.scalars(
        select(AssignmentSubmission)
        .where(
            AssignmentSubmission.assignment_id == assignment.id,
            AssignmentSubmission.user_id == user.id,
            AssignmentSubmission.deleted_at.is_(None),
        )
        .order_by(AssignmentSubmission.submission_number.desc())
    )
    return list(rows)


async def learner_view(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, assignment_uuid: uuid.UUID
) -> LearnerView:
    context = await load(session, user, course_uuid, assignment_uuid)
    lesson_uuid = None
    if context.assignment.lesson_id is not None:
        lesson_uuid = await session.scalar(
            select(Lesson.uuid).where(Lesson.id == context.assignment.lesson_id)
        )
    return LearnerView(context, lesson_uuid, await _mine(session, user, context.assignment))


def _check_due(assignment: Assignment) -> bool:
    """True when late; 409 ``past_due`` when late work is not accepted."""
    late = assignment.due_date is not None and utcnow() > assignment.due_date
    if late and not assignment.allow_late_submission:
        raise Conflict("the due date has passed", code="past_due")
    return late


def _next_number(assignment: Assignment, latest: AssignmentSubmission | None) -> int:
    """The number of a new draft after ``latest``, or 409 saying why there is none."""
    if latest is None:
        number = 1
    elif latest.status is Status.DRAFT:
        raise Conflict(
            "you already have a draft of this assignment",
            code="draft_exists",
            extra={"submission": str(latest.uuid)},
        )
    elif latest.status is Status.GRADED:
        raise Conflict("this assignment was graded", code="already_graded")
    elif latest.status in (Status.SUBMITTED, Status.GRADING):
        raise Conflict("your submission is waiting to be graded", code="already_submitted")
    else:  # returned for resubmission
        number = latest.submission_number + 1
    if assignment.max_submissions and number > assignment.max_submissions:
        raise Conflict(
            f"at most {assignment.max_submissions} submissions", code="max_submissions_reached"
        )
    return number


def _content(value: str | None) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidInput("must not contain NUL characters", field="content")
    if len(value) > MAX_CONTENT:
        raise InvalidInput(f"at most {MAX_CONTENT} characters", field="content")
    return value.strip() or None


async def _check_files(
    session: AsyncSession, assignment: Assignment, uploads: Sequence[UploadFile], present: int
) -> list[files.Checked]:
    if present + len(uploads) > files.MAX_FILES:
        raise InvalidInput(
            f"at most {files.MAX_FILES} files per submission", field="files", code="too_many_files"
        )
    limit = await max_upload_bytes(session)
    if assignment.max_file_size:
        limit = min(limit, assignment.max_file_size * 1024 * 1024)
    return [
        await files.check_file(upload, max_bytes=limit, allowed=assignment.allowed_file_types)
        for upload in uploads
    ]


async def create_draft(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    assignment_uuid: uuid.UUID,
    *,
    content: str | None,
    uploads: Sequence[UploadFile],
    submit: bool,
) -> tuple[Context, AssignmentSubmission]:
    """A new draft (numbered after the latest submission), handed in at once with ``submit``."""
    context = await load(session, user, course_uuid, assignment_uuid)
    assignment = context.assignment
    _check_due(assignment)
    mine = await _mine(session, user, assignment)
    number = _next_number(assignment, mine[0] if mine else None)
    text = _content(content)
    checked = await _check_files(session, assignment, uploads, 0)
    enrollment = context.access.enrollment
    inserted = await insert_ignore(
        session,
        AssignmentSubmission,
        {
            "uuid": uuid.uuid4(),
            "assignment_id": assignment.id,
            "user_id": user.id,
            "enrollment_id": enrollment.id if enrollment is not None else None,
            "submission_number": number,
            "content": text,
            "files": [],
            "status": Status.DRAFT,
        },
        ["assignment_id", "user_id", "submission_number"],
    )
    row = await session.scalar(
        select(AssignmentSubmission)
        .where(
            AssignmentSubmission.assignment_id == assignment.id,
            AssignmentSubmission.user_id == user.id,
            AssignmentSubmission.submission_number == number,
        )
        .execution_options(populate_existing=True)
    )
    assert row is not None
    if not inserted:
        # A parallel request took this number first.
        if row.status is Status.DRAFT:
            _next_number(assignment, row)
        raise Conflict("this submission was already handed in", code="already_submitted")
    row.files = [await files.store("submissions", c) for c in checked]
    await session.flush()
    if submit:
        await _submit(session, context, row)
    return context, row


async def _own(
    session: AsyncSession, user: User, assignment: Assignment, submission_uuid: uuid.UUID
) -> AssignmentSubmission:
    row = await session.scalar(
        select(AssignmentSubmission)
        .where(
            AssignmentSubmission.uuid == submission_uuid,
            AssignmentSubmission.assignment_id == assignment.id,
            AssignmentSubmission.user_id == user.id,
            AssignmentSubmission.deleted_at.is_(None),
        )
        .with_for_update()
    )
    if row is None:
        raise NotFound("no such submission")
    return row


def _require_draft(row: AssignmentSubmission) -> None:
    if row.status is not Status.DRAFT:
        raise Conflict("only a draft can be changed", code="not_a_draft")


async def get_submission(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    assignment_uuid: uuid.UUID,
    submission_uuid: uuid.UUID,
) -> tuple[Context, AssignmentSubmission]:
    context = await load(session, user, course_uuid, assignment_uuid)
    return context, await _own(session, user, context.assignment, submission_uuid)


async def update_draft(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    assignment_uuid: uuid.UUID,
    submission_uuid: uuid.UUID,
    *,
    content: str | None,
    uploads: Sequence[UploadFile],
) -> tuple[Context, AssignmentSubmission]:
    """``content`` replaces the text when given; ``uploads`` are added to the files."""
    context, row = await get_submission(
        session, user, course_uuid, assignment_uuid, submission_uuid
    )
    _require_draft(row)
    present = list(row.files or [])
    checked = await _check_files(session, context.assignment, uploads, len(present))
    if content is not None:
        row.content = _content(content)
    if checked:
        row.files = [*present, *[await files.store("submissions", c) for c in checked]]
    await session.flush()
    return context, row


async def delete_draft_file(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    assignment_uuid: uuid.UUID,
    submission_uuid: uuid.UUID,
    file_id: str,
) -> None:
    _, row = await get_submission(session, user, course_uuid, assignment_uuid, submission_uuid)
    _require_draft(row)
    entry = files.find(row.files, file_id)
    if entry is None:
        raise NotFound("no such file")
    row.files = [e for e in row.files or [] if e is not entry]
    await session.flush()
    jobs.after_commit(session, delete_stored_file, key=entry["path"])


async def delete_draft(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    assignment_uuid: uuid.UUID,
    submission_uuid: uuid.UUID,
) -> None:
    """A draft is removed for good (its number is free again), with its files."""
    _, row = await get_submission(session, user, course_uuid, assignment_uuid, submission_uuid)
    _require_draft(row)
    keys = [entry["path"] for entry in row.files or []]
    await session.delete(row)
    await session.flush()
    for key in keys:
        jobs.after_commit(session, delete_stored_file, key=key)


async def submit(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    assignment_uuid: uuid.UUID,
    submission_uuid: uuid.UUID,
) -> tuple[Context, AssignmentSubmission]:
    context, row = await get_submission(
        session, user, course_uuid, assignment_uuid, submission_uuid
    )
    if row.status is not Status.DRAFT:
        raise Conflict("this submission was already handed in", code="already_submitted")
    await _submit(session, context, row)
    return context, row


async def _submit(session: AsyncSession, context: Context, row: AssignmentSubmission) -> None:
    if not row.content and not row.files:
        raise InvalidInput(
            "add some text or a file before submitting", field="content", code="empty_submission"
        )
    late = _check_due(context.assignment)
    now = utcnow()
    enrollment = context.access.enrollment
    done = await session.execute(
        update(AssignmentSubmission)
        .where(AssignmentSubmission.id == row.id, AssignmentSubmission.status == Status.DRAFT)
        .values(
            status=Status.SUBMITTED,
            submitted_at=now,
            is_late=late,
            enrollment_id=enrollment.id if enrollment is not None else row.enrollment_id,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        raise Conflict("this submission was already handed in", code="already_submitted")
    # The submission returned for resubmission is now superseded.
    await session.execute(
        update(AssignmentSubmission)
        .where(
            AssignmentSubmission.assignment_id == row.assignment_id,
            AssignmentSubmission.user_id == row.user_id,
            AssignmentSubmission.submission_number < row.submission_number,
            AssignmentSubmission.status == Status.RETURNED,
        )
        .values(status=Status.RESUBMIT)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(row)
