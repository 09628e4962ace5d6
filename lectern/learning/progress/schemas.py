"""Request and response bodies of learner progress: heartbeats, completion, resuming."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from lectern.kit.schemas import Input, Output
from lectern.learning.progress.service import MAX_POSITION, MAX_SEQ, MAX_WATCHED
from lectern.models import LessonType


class HeartbeatIn(Input):
    play_id: UUID = Field(description="Made by the player, one per playback session.")
    seq: int = Field(ge=1, le=MAX_SEQ, description="Increases with each beat of a play_id.")
    position: int = Field(
        ge=0,
        le=MAX_POSITION,
        description="Playback position, in seconds; at most the lesson's length + 30 s.",
    )
    watched: int = Field(
        ge=0,
        le=MAX_WATCHED,
        description="Seconds of media played in this playback session so far (cumulative).",
    )


class LessonProgressOut(Output):
    """The learner's progress in a lesson after the call."""

    lesson: UUID
    recorded: bool = Field(
        description="False when nothing is stored for the caller (staff previewing)."
    )
    accepted: bool = Field(
        description="Heartbeat: false for a replayed or older beat, which changed nothing."
    )
    credited: int = Field(description="Seconds of watch time this call added.")
    watch_time: int
    last_position: int
    progress_percentage: Decimal
    is_completed: bool
    completed_at: datetime | None
    completed_now: bool = Field(description="This call completed the lesson.")


class CourseProgressOut(Output):
    completed_lessons: int
    total_lessons: int
    progress_percentage: Decimal
    is_completed: bool
    completed_at: datetime | None


class CompletionOut(Output):
    lesson: LessonProgressOut
    course: CourseProgressOut | None = Field(
        description="The enrollment's totals (null for staff without an enrollment)."
    )


class ResumeLessonOut(Output):
    uuid: UUID
    title: str
    type: LessonType
    section_id: int
    duration_seconds: int


class ContinueOut(Output):
    lesson: ResumeLessonOut | None = Field(
        description="The lesson to take next; null when all is done or the rest is locked."
    )
    position: int = Field(description="Seconds into the lesson to resume from.")
    course: CourseProgressOut | None
