"""Instructors grading submissions: the queue, starting to grade, grading with the late
penalty, returning for resubmission, and the lesson completion a grade earns; a grade or a
return publishes ``AssignmentGraded`` (notifications tell the student).

Every function takes a course the caller may edit (lectern.courses.policy.course_for).
Drafts are the learner's own: graders never see them. Flushes, never commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from lectern import events
from lectern.assignments.events import AssignmentGraded
from lectern.assignments.grading.schemas import InlineComment, ReturnIn, SubmissionGradeIn
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit import attachments as files
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import is_live
from lectern.learning.progress.service import complete_lesson
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    Enrollment,
    User,
)

Status = AssignmentSubmissionStatus
GRADABLE = (Status.SUBMITTED, Status.GRADING, Status.GRADED)
RETURNABLE = (Status.SUBMITTED, Status.GRADING)
CENT = Decimal("0.01")


def passed(row: AssignmentSubmission, assignment: Assignment) -> bool | None:
    """Whether a graded submission reaches the passing points (None until graded)."""
    if row.status is not Status.GRADED:
        return None
    return row.points_earned >= assignment.passing_points


def after_penalty(points: Decimal, penalty: Decimal) -> Decimal:
    return (points * (Decimal(100) - penalty) / Decimal(100)).quantize(CENT, ROUND_HALF_UP)


def _statement(course: Course) -> Select[Any]:
    return (
        select(AssignmentSubmission)
        .join(AssignmentSubmission.assignment)
        .join(AssignmentSubmission.user)
        .options(
            contains_eager(AssignmentSubmission.assignment),
            contains_eager(AssignmentSubmission.user),
        )
        .where(
            Assignment.course_id == course.id,
            Assignment.deleted_at.is_(None),
            AssignmentSubmission.deleted_at.is_(None),
            AssignmentSubmission.status != Status.DRAFT,
        )
    )


async def list_submissions(
    session: AsyncSession,
    course: Course,
    params: PageParams,
    *,
    status: Status | None,
    assignment_uuid: uuid.UUID | None,
) -> tuple[list[AssignmentSubmission], PageMeta]:
    """Handed-in submissions, oldest first (the grading queue with ``status=submitted``)."""
    statement = _statement(course)
    if status is not None:
        statement = statement.where(AssignmentSubmission.status == status)
    if assignment_uuid is not None:
        statement = statement.where(Assignment.uuid == assignment_uuid)
    statement = statement.order_by(AssignmentSubmission.submitted_at, AssignmentSubmission.id)
    return await paginate(session, statement, params)


async def get_submission(
    session: AsyncSession, course: Course, submission_uuid: uuid.UUID
) -> AssignmentSubmission:
    row: AssignmentSubmission | None = await session.scalar(
        _statement(course)
        .where(AssignmentSubmission.uuid == submission_uuid)
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound("no such submission in this course")
    return row


@dataclass(frozen=True)
class GradingView:
    submission: AssignmentSubmission
    graded_by: uuid.UUID | None


async def grading_view(session: AsyncSession, row: AssignmentSubmission) -> GradingView:
    grader = None
    if row.graded_by is not None:
        grader = await session.scalar(select(User.uuid).where(User.id == row.graded_by))
    return GradingView(row, grader)


async def start_grading(
    session: AsyncSession, course: Course, submission_uuid: uuid.UUID
) -> AssignmentSubmission:
    """submitted → grading (tells other graders someone is on it)."""
    row = await get_submission(session, course, submission_uuid)
    done = await session.execute(
        update(AssignmentSubmission)
        .where(AssignmentSubmission.id == row.id, AssignmentSubmission.status == Status.SUBMITTED)
        .values(status=Status.GRADING)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        raise Conflict(f"this submission is {row.status.value}", code="not_submitted")
    return await get_submission(session, course, submission_uuid)


def _comments(row: AssignmentSubmission, comments: list[InlineComment]) -> list[dict[str, Any]]:
    out = []
    for index, comment in enumerate(comments):
        if comment.file is not None and files.find(row.files, comment.file) is None:
            raise InvalidInput(
                f"inline comment {index}: no such file in this submission",
                field="inline_comments",
                code="no_such_file",
            )
        out.append(comment.model_dump())
    return out


async def grade(
    session: AsyncSession,
    course: Course,
    grader: User,
    submission_uuid: uuid.UUID,
    body: SubmissionGradeIn,
) -> AssignmentSubmission:
    """Points (0..total_points) less the late penalty; graded (again, if it was)."""
    row = await get_submission(session, course, submission_uuid)
    assignment = row.assignment
    if body.points > assignment.total_points:
        raise InvalidInput(
            f"points must be between 0 and {assignment.total_points}",
            field="points",
            code="points_above_total",
        )
    comments = _comments(row, body.inline_comments)
    penalty = assignment.late_submission_penalty if row.is_late else Decimal(0)
    earned = after_penalty(body.points, penalty)
    done = await session.execute(
        update(AssignmentSubmission)
        .where(AssignmentSubmission.id == row.id, AssignmentSubmission.status.in_(GRADABLE))
        .values(
            status=Status.GRADED,
            points_earned=earned,
            late_penalty_applied=penalty,
            feedback=body.feedback,
            inline_comments=comments,
            graded_by=grader.id,
            graded_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        raise Conflict(f"this submission is {row.status.value}", code="not_gradable")
    row = await get_submission(session, course, submission_uuid)
    is_passed = earned >= assignment.passing_points
    if assignment.lesson_id is not None and (is_passed or not assignment.is_required):
        await _complete(session, row, assignment.lesson_id)
    await events.publish(session, AssignmentGraded(row.id, row.user_id, course.id, False))
    return row


async def return_for_resubmission(
    session: AsyncSession, course: Course, grader: User, submission_uuid: uuid.UUID, body: ReturnIn
) -> AssignmentSubmission:
    """submitted / grading → returned: the learner may hand in a new submission (within
    ``max_submissions``)."""
    row = await get_submission(session, course, submission_uuid)
    comments = _comments(row, body.inline_comments)
    done = await session.execute(
        update(AssignmentSubmission)
        .where(AssignmentSubmission.id == row.id, AssignmentSubmission.status.in_(RETURNABLE))
        .values(
            status=Status.RETURNED,
            feedback=body.feedback,
            inline_comments=comments,
            graded_by=grader.id,
            graded_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        raise Conflict(f"this submission is {row.status.value}", code="not_returnable")
    row = await get_submission(session, course, submission_uuid)
    await events.publish(session, AssignmentGraded(row.id, row.user_id, course.id, True))
    return row


async def _complete(session: AsyncSession, row: AssignmentSubmission, lesson_id: int) -> None:
    if row.enrollment_id is None:
        return
    enrollment = await session.scalar(select(Enrollment).where(Enrollment.id == row.enrollment_id))
    if (
        enrollment is not None
        and enrollment.course_id == row.assignment.course_id
        and is_live(enrollment, utcnow())
    ):
        await complete_lesson(session, enrollment, lesson_id)
