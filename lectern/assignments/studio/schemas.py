"""Request and response bodies of assignment authoring in the studio."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import UploadFile
from pydantic import AfterValidator, Field, StringConstraints

from lectern.assignments.schemas import FileOut
from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Instant, Output, Patch, UploadForm

MAX_POINTS = Decimal("100000")
MAX_FILE_MB = 10_240
MAX_SUBMISSIONS = 1000
_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")


def _extensions(value: list[str] | None) -> list[str] | None:
    """Lower-case, without the dot, each once; an empty list means any type (null)."""
    if value is None:
        return None
    clean: list[str] = []
    for item in value:
        extension = item.strip().lower().removeprefix(".")
        if not _EXTENSION.match(extension):
            raise ValueError(f"{item!r} is not a file extension (letters and digits, up to 10)")
        if extension not in clean:
            clean.append(extension)
    return clean or None


DueDate = Instant | None
Title = Annotated[str, StringConstraints(min_length=1, max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
HtmlText = Annotated[RichText, StringConstraints(max_length=500_000)]
Points = Annotated[Decimal, Field(ge=0, le=MAX_POINTS, max_digits=8, decimal_places=2)]
Penalty = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Extensions = Annotated[
    list[Annotated[str, StringConstraints(max_length=20)]] | None,
    Field(max_length=50),
    AfterValidator(_extensions),
]

# Settings that may not be set to null on an update.
NOT_NULL = (
    "title",
    "total_points",
    "passing_points",
    "allow_late_submission",
    "late_submission_penalty",
    "max_file_size",
    "max_submissions",
    "is_required",
    "is_published",
    "order",
)


class _Settings(Input):
    description: LongText | None = None
    instructions: HtmlText | None = Field(None, description="HTML; sanitised like lessons.")
    due_date: DueDate = None
    allowed_file_types: Extensions = Field(
        None, description='Extensions such as ["pdf", "zip", "txt"]; null or [] = any type.'
    )
    lesson: UUID | None = Field(
        None, description="An assignment-type lesson of this course the assignment sits in."
    )


class AssignmentCreate(_Settings):
    title: Title
    total_points: Points = Field(Decimal("100"), gt=0)
    passing_points: Points = Decimal("70")
    allow_late_submission: bool = False
    late_submission_penalty: Penalty = Decimal("0")
    max_file_size: int = Field(10, ge=0, le=MAX_FILE_MB, description="MB per file; 0 = no limit.")
    max_submissions: int = Field(1, ge=0, le=MAX_SUBMISSIONS, description="0 = unlimited.")
    is_required: bool = False
    is_published: bool = False
    order: int | None = Field(None, ge=0, le=100_000, description="Default: at the end.")


class AssignmentUpdate(_Settings, Patch):
    title: Title | None = None
    total_points: Points | None = Field(None, gt=0)
    passing_points: Points | None = None
    allow_late_submission: bool | None = None
    late_submission_penalty: Penalty | None = None
    max_file_size: int | None = Field(None, ge=0, le=MAX_FILE_MB)
    max_submissions: int | None = Field(None, ge=0, le=MAX_SUBMISSIONS)
    is_required: bool | None = None
    is_published: bool | None = None
    order: int | None = Field(None, ge=0, le=100_000)

    not_null = NOT_NULL


class AssignmentOut(Output):
    """The studio's view of an assignment."""

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
    is_published: bool
    order: int
    lesson: UUID | None
    attachments: list[FileOut]
    created_at: datetime
    updated_at: datetime


class AttachmentUpload(UploadForm):
    """The multipart form of an assignment's attachment."""

    file: UploadFile = Field(description="PDF, zip, image, audio, video or office file.")
