"""Request and response bodies of the enrollment routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from lectern.kit.schemas import Input
from lectern.models import EnrollmentStatus, EnrollmentType


class EnrollIn(Input):
    course: uuid.UUID = Field(description="The uuid of a free, published course.")


class GrantIn(Input):
    user: str = Field(
        min_length=3,
        max_length=255,
        description="The user to enroll: their uuid or e-mail address.",
    )
    type: Literal["gifted", "admin"] = Field(
        "gifted", description="gifted (instructors and admins) or admin (admins only)."
    )

    @field_validator("user")
    @classmethod
    def _uuid_or_email(cls, value: str) -> str:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
        if "@" not in value or any(char.isspace() for char in value):
            raise ValueError("give the user's uuid or e-mail address")
        return value.lower()


class ActionIn(Input):
    reason: str | None = Field(None, max_length=500, description="Kept in the activity log.")


class InstructorName(BaseModel):
    name: str
    username: str


class CourseBrief(BaseModel):
    uuid: uuid.UUID
    slug: str
    title: str
    thumbnail: str | None
    instructor: InstructorName


class LessonBrief(BaseModel):
    uuid: uuid.UUID
    title: str


class EnrollmentOut(BaseModel):
    """An enrollment as its learner sees it (the dashboard's card)."""

    uuid: uuid.UUID
    course: CourseBrief
    enrollment_type: EnrollmentType
    status: EnrollmentStatus
    is_active: bool
    enrolled_at: datetime
    expires_at: datetime | None = Field(description="Null: lifetime access.")
    completed_at: datetime | None
    last_accessed_at: datetime | None
    progress_percentage: Decimal
    completed_lessons: int
    total_lessons: int
    total_watch_time: int = Field(description="Seconds.")
    next_lesson: LessonBrief | None = Field(
        description="The first published lesson in course order not yet completed "
        "(drip locks aside; /learn/{course}/continue is drip-aware). Null when all are done."
    )


class StudentOut(BaseModel):
    uuid: uuid.UUID
    name: str
    email: str


class CourseEnrollmentOut(BaseModel):
    """An enrollment as the course's instructors see it."""

    uuid: uuid.UUID
    student: StudentOut
    enrollment_type: EnrollmentType
    status: EnrollmentStatus
    enrolled_at: datetime
    expires_at: datetime | None
    progress_percentage: Decimal
    completed_lessons: int
    total_lessons: int
    last_accessed_at: datetime | None
    completed_at: datetime | None
