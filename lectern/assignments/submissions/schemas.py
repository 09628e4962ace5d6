"""Response bodies of a learner's assignment and submissions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from fastapi import UploadFile
from pydantic import Field

from lectern.assignments.schemas import FileOut
from lectern.kit.schemas import Output, UploadForm
from lectern.models import AssignmentSubmissionStatus


class SubmissionOut(Output):
    """A submission as its author sees it (grades and feedback once graded or returned)."""

    uuid: UUID
    submission_number: int
    status: AssignmentSubmissionStatus
    content: str | None
    files: list[FileOut]
    is_late: bool
    submitted_at: datetime | None
    points_earned: Decimal | None
    late_penalty_applied: Decimal | None
    passed: bool | None
    feedback: str | None
    inline_comments: list[dict[str, Any]]
    graded_at: datetime | None
    created_at: datetime
    updated_at: datetime


class LearnerAssignmentOut(Output):
    uuid: UUID
    title: str
    description: str | None
    instructions: str | None
    total_points: Decimal
    passing_points: Decimal
    due_date: datetime | None
    allow_late_submission: bool
    late_submission_penalty: Decimal
    max_file_size: int
    allowed_file_types: list[str] | None
    max_submissions: int
    is_required: bool
    lesson: UUID | None
    attachments: list[FileOut]
    submissions_used: int = Field(description="Submissions handed in (drafts not counted).")
    can_submit: bool = Field(description="Whether a new draft may be started now.")
    submissions: list[SubmissionOut] = Field(description="Mine, newest first.")


class DraftUpload(UploadForm):
    """The multipart form of a draft: text and files, both optional."""

    content: str | None = Field(
        None, max_length=100_000, description="The text of the submission (plain text)."
    )
    files: list[UploadFile] | None = Field(None, description="Files to add (repeatable).")


class SubmissionUpload(DraftUpload):
    """The multipart form of a new submission."""

    submit: bool = Field(False, description="Hand it in at once.")
