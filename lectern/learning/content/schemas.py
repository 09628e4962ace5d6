"""Response bodies of the learner's side of a course: the outline with lock states, and a
lesson's content for the player."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import Field

from lectern.kit.schemas import Output
from lectern.learning.content.assessments import AssignmentState, QuizState
from lectern.learning.drip import LockReason, State
from lectern.models import (
    AssignmentSubmissionStatus,
    EnrollmentStatus,
    LessonType,
    VideoTrackKind,
)


class LockOut(Output):
    """Why an item is locked. ``unlocks_at`` is set when only dates hold it back (the
    latest of them); ``after_lesson`` / ``after_section`` name what to complete first."""

    reason: LockReason | None
    unlocks_at: datetime | None
    after_lesson: UUID | None
    after_section: int | None


class QuizStateOut(Output):
    """A quiz and where I stand in it."""

    uuid: UUID
    title: str
    lesson: UUID | None = Field(description="The quiz's lesson, if it sits in one.")
    is_required: bool
    passing_score: Decimal = Field(description="Percent.")
    max_attempts: int = Field(description="0 = unlimited.")
    attempts_used: int
    attempts_left: int | None = Field(description="null = unlimited.")
    best_percentage: Decimal | None = Field(description="My best graded attempt's.")
    passed: bool
    in_progress: UUID | None = Field(description="My attempt in progress, if any.")


class AssignmentStateOut(Output):
    """An assignment and where I stand in it."""

    uuid: UUID
    title: str
    lesson: UUID | None = Field(description="The assignment's lesson, if it sits in one.")
    is_required: bool
    due_date: datetime | None
    total_points: Decimal
    passing_points: Decimal
    max_submissions: int = Field(description="0 = unlimited.")
    submissions_used: int = Field(description="Handed in (drafts not counted).")
    status: AssignmentSubmissionStatus | None = Field(
        description="My latest submission's (null: none yet)."
    )
    points_earned: Decimal | None = Field(description="Once my latest submission is graded.")


class OutlineLessonOut(Output):
    id: int
    uuid: UUID
    title: str
    type: LessonType
    duration_seconds: int
    is_free: bool
    state: State
    lock: LockOut | None
    quiz: QuizStateOut | None = Field(description="A quiz lesson's quiz.")
    assignment: AssignmentStateOut | None = Field(description="An assignment lesson's assignment.")


class OutlineSectionOut(Output):
    id: int
    title: str
    state: State
    lock: LockOut | None
    lessons: list[OutlineLessonOut]


class EnrollmentSummaryOut(Output):
    uuid: UUID
    status: EnrollmentStatus
    enrolled_at: datetime
    expires_at: datetime | None
    progress_percentage: Decimal
    completed_lessons: int
    total_lessons: int
    last_accessed_at: datetime | None


class NextLessonOut(Output):
    uuid: UUID
    title: str
    type: LessonType


class OutlineOut(Output):
    course_uuid: UUID
    title: str
    slug: str
    drip_content: bool
    # True for the course's owner, co-instructors and admins: everything is open to them.
    is_staff: bool
    # None for staff who are not enrolled themselves.
    enrollment: EnrollmentSummaryOut | None
    next_lesson: NextLessonOut | None
    sections: list[OutlineSectionOut]


# -- a lesson ---------------------------------------------------------------------------------


class VideoOut(Output):
    url: str | None
    provider: str | None
    video_id: str | None
    thumbnail: str | None
    duration_seconds: int
    # Quality label -> URL, e.g. {"720p": "...", "1080p": "..."}.
    qualities: dict[str, Any]


class AudioOut(Output):
    url: str | None
    duration_seconds: int | None


class DocumentOut(Output):
    url: str | None
    type: str | None


class LessonTrackOut(Output):
    id: int
    language: str
    label: str
    kind: VideoTrackKind
    is_default: bool
    # The WebVTT file (text/vtt), for the player's <track src>.
    url: str


class LessonResourceOut(Output):
    id: int
    title: str
    description: str | None
    file_name: str
    file_type: str | None
    file_size: int
    is_downloadable: bool
    # None when the resource may not be downloaded.
    download_url: str | None


class MyLessonProgressOut(Output):
    last_position: int
    watch_time: int
    is_completed: bool
    completed_at: datetime | None
    progress_percentage: Decimal
    views_count: int


class SectionRefOut(Output):
    id: int
    title: str


class LessonContentOut(Output):
    uuid: UUID
    title: str
    description: str | None
    type: LessonType
    section: SectionRefOut
    duration_seconds: int
    is_free: bool
    is_downloadable: bool
    # available or completed (a locked lesson is a 403).
    state: State
    # Sanitised HTML: the body of a text lesson, notes under other types.
    content: str | None
    video: VideoOut | None
    audio: AudioOut | None
    document: DocumentOut | None
    embed_code: str | None
    tracks: list[LessonTrackOut]
    resources: list[LessonResourceOut]
    # The caller's progress in the lesson (None unless enrolled), to resume the player.
    progress: MyLessonProgressOut | None
    quiz: QuizStateOut | None = Field(description="A quiz lesson's quiz, and where I stand.")
    assignment: AssignmentStateOut | None = Field(
        description="An assignment lesson's assignment, and where I stand."
    )
    previous_lesson: UUID | None
    next_lesson: UUID | None


def quiz_out(state: QuizState) -> QuizStateOut:
    return QuizStateOut(
        uuid=state.uuid,
        title=state.title,
        lesson=state.lesson_uuid,
        is_required=state.is_required,
        passing_score=state.passing_score,
        max_attempts=state.max_attempts,
        attempts_used=state.attempts_used,
        attempts_left=state.attempts_left,
        best_percentage=state.best_percentage,
        passed=state.passed,
        in_progress=state.in_progress,
    )


def assignment_out(state: AssignmentState) -> AssignmentStateOut:
    return AssignmentStateOut(
        uuid=state.uuid,
        title=state.title,
        lesson=state.lesson_uuid,
        is_required=state.is_required,
        due_date=state.due_date,
        total_points=state.total_points,
        passing_points=state.passing_points,
        max_submissions=state.max_submissions,
        submissions_used=state.submissions_used,
        status=state.status,
        points_earned=state.points_earned,
    )
