"""Assignments and their submissions (spec module 7, migration step 7)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    fk,
    flag,
    percent,
    score,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class AssignmentSubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    GRADING = "grading"
    GRADED = "graded"
    RETURNED = "returned"
    RESUBMIT = "resubmit"


class Assignment(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index(None, "course_id", "order"),
        CheckConstraint("max_file_size >= 0", name="max_file_size_non_negative"),
        CheckConstraint("max_submissions >= 0", name="max_submissions_non_negative"),
        # A lesson holds at most one assignment (deleted ones aside).
        Index(
            "uq_assignments_live_lesson_id",
            "lesson_id",
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # SET NULL: removing the lesson an assignment sits in keeps the assignment (and the
    # learners' graded submissions) as a course-level assignment.
    lesson_id: Mapped[int | None] = fk("lessons.id", ondelete="SET NULL", nullable=True)

    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    instructions: Mapped[str | None] = mapped_column(Text)

    total_points: Mapped[Decimal] = score("100")
    passing_points: Mapped[Decimal] = score("70")
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    allow_late_submission: Mapped[bool] = flag(False)
    # Percentage of the points deducted from a late submission.
    late_submission_penalty: Mapped[Decimal] = percent("0")
    # Megabytes per uploaded file; 0 = no limit.
    max_file_size: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    # File extensions accepted, e.g. ["pdf", "zip"]; NULL = any.
    allowed_file_types: Mapped[list[str] | None] = mapped_column(JSONType)
    # 0 = unlimited (as quizzes.max_attempts).
    max_submissions: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    is_required: Mapped[bool] = flag(False)
    is_published: Mapped[bool] = flag(False, index=True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Files handed out with the assignment (paths, names, sizes).
    attachments: Mapped[list[Any] | None] = mapped_column(JSONType)

    submissions: Mapped[list[AssignmentSubmission]] = relationship(
        back_populates="assignment",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class AssignmentSubmission(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "assignment_submissions"
    # Submission numbers are unique per learner and assignment, so parallel submissions
    # cannot both pass the max_submissions check.
    __table_args__ = (UniqueConstraint("assignment_id", "user_id", "submission_number"),)

    assignment_id: Mapped[int] = fk("assignments.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    # Nullable, SET NULL: the graded work outlives a removed enrollment.
    enrollment_id: Mapped[int | None] = fk("enrollments.id", ondelete="SET NULL", nullable=True)

    # 1 for the first submission, then 2, 3... on resubmission.
    submission_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    content: Mapped[str | None] = mapped_column(Text)
    # Uploaded files (paths, names, sizes, types).
    files: Mapped[list[Any] | None] = mapped_column(JSONType)

    status: Mapped[AssignmentSubmissionStatus] = choice(
        AssignmentSubmissionStatus, AssignmentSubmissionStatus.DRAFT, index=True
    )
    points_earned: Mapped[Decimal] = score()
    is_late: Mapped[bool] = flag(False)
    # The late penalty (percentage of the points) deducted when this submission was graded.
    late_penalty_applied: Mapped[Decimal] = percent("0")
    feedback: Mapped[str | None] = mapped_column(Text)
    # Grader's comments anchored in the content or files.
    inline_comments: Mapped[list[Any] | None] = mapped_column(JSONType)
    graded_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # NULL while a draft.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="submissions", lazy="raise")
    user: Mapped[User] = relationship(foreign_keys="AssignmentSubmission.user_id", lazy="raise")
