"""Response bodies of the gradebook (the studio's) and of my grades."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from lectern.gradebook import service
from lectern.kit.schemas import Output, PageMeta
from lectern.models import EnrollmentStatus


class ColumnOut(Output):
    kind: service.Kind
    uuid: UUID
    title: str
    is_required: bool
    max_points: Decimal
    passing: Decimal


class GradeOut(Output):
    score: Decimal | None
    percentage: Decimal | None
    passed: bool | None


class StudentRowOut(Output):
    uuid: UUID
    name: str
    email: str
    enrollment_status: EnrollmentStatus
    progress_percentage: Decimal
    grades: list[GradeOut]
    percentage: Decimal | None
    passed: bool | None


class GradebookOut(Output):
    columns: list[ColumnOut]
    items: list[StudentRowOut]
    meta: PageMeta


class CourseRefOut(Output):
    uuid: UUID
    title: str
    slug: str


class GradedItemOut(Output):
    uuid: UUID
    title: str


class MyGradeOut(Output):
    """One piece of my graded work: a graded quiz attempt or assignment submission."""

    kind: service.Kind
    uuid: UUID = Field(description="The attempt's or the submission's.")
    course: CourseRefOut
    item: GradedItemOut = Field(description="The quiz or the assignment.")
    score: Decimal = Field(description="A quiz: the percentage; an assignment: the points.")
    max_score: Decimal = Field(description="A quiz: 100; an assignment: its total points.")
    percentage: Decimal
    passed: bool
    graded_at: datetime | None
    feedback: str | None
