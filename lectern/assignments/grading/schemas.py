"""Request and response bodies of grading submissions in the studio."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.assignments.schemas import FileOut
from lectern.assignments.studio.schemas import LongText
from lectern.kit.schemas import Input, Output
from lectern.models import AssignmentSubmissionStatus


class InlineComment(Input):
    file: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, description="The id of one of the submission's files."
    )
    anchor: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="Where in the text or file: a quote, a line, a page."
    )
    text: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class SubmissionGradeIn(Input):
    points: Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2)] = Field(
        description="0..total_points, before the late penalty."
    )
    feedback: LongText | None = None
    inline_comments: list[InlineComment] = Field(default_factory=list, max_length=200)


class ReturnIn(Input):
    feedback: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    inline_comments: list[InlineComment] = Field(default_factory=list, max_length=200)


class StudentOut(Output):
    uuid: UUID
    name: str
    email: str


class AssignmentRef(Output):
    uuid: UUID
    title: str
    total_points: Decimal
    passing_points: Decimal


class GradingOut(Output):
    """A submission in the instructors' view."""

    uuid: UUID
    assignment: AssignmentRef
    student: StudentOut
    submission_number: int
    status: AssignmentSubmissionStatus
    content: str | None
    files: list[FileOut]
    is_late: bool
    submitted_at: datetime | None
    points_earned: Decimal
    late_penalty_applied: Decimal
    passed: bool | None
    feedback: str | None
    inline_comments: list[dict[str, Any]]
    graded_at: datetime | None
    graded_by: UUID | None


class GradingSummary(Output):
    uuid: UUID
    assignment: AssignmentRef
    student: StudentOut
    submission_number: int
    status: AssignmentSubmissionStatus
    is_late: bool
    submitted_at: datetime | None
    points_earned: Decimal
    graded_at: datetime | None
