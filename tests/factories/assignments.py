"""Rows of the assignment tests: assignments and submissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    User,
)


async def create_assignment(session: AsyncSession, course: Course, **values: Any) -> Assignment:
    """A published assignment (100 points, 70 to pass, one submission) unless told."""
    values.setdefault("title", "Essay")
    values.setdefault("is_published", True)
    values.setdefault("attachments", [])
    assignment = Assignment(course_id=course.id, **values)
    session.add(assignment)
    await session.flush()
    return assignment


async def create_submission(
    session: AsyncSession, assignment: Assignment, user: User, **values: Any
) -> AssignmentSubmission:
    """A submitted submission with some text unless told."""
    values.setdefault("content", "My work")
    values.setdefault("files", [])
    values.setdefault("status", AssignmentSubmissionStatus.SUBMITTED)
    if values["status"] is not AssignmentSubmissionStatus.DRAFT:
        values.setdefault("submitted_at", utcnow())
    if values["status"] is AssignmentSubmissionStatus.GRADED:
        values.setdefault("points_earned", Decimal("80"))
        values.setdefault("graded_at", utcnow())
    row = AssignmentSubmission(assignment_id=assignment.id, user_id=user.id, **values)
    session.add(row)
    await session.flush()
    return row
