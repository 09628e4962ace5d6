"""My grades: my graded work across every course, newest first.

A graded quiz attempt scores its percentage out of 100; a graded assignment submission its
points out of the assignment's total (after any late penalty). Two statements whatever the
size: the page, read from one UNION of both kinds ordered by when each was graded (an
attempt graded on submission counts from its submission), and its count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import CompoundSelect, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.gradebook.service import Kind
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.types import Score
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    Quiz,
    QuizAttempt,
    QuizAttemptStatus,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class MyGrade:
    kind: Kind
    uuid: UUID  # the attempt's or the submission's
    course_uuid: UUID
    course_title: str
    course_slug: str
    item_uuid: UUID  # the quiz's or the assignment's
    item_title: str
    score: Decimal
    max_score: Decimal
    passed: bool
    graded_at: datetime | None
    feedback: str | None

    @property
    def percentage(self) -> Decimal:
        if not self.max_score:
            return Decimal("0.00")
        share = self.score * 100 / self.max_score
        return share.quantize(CENT, rounding=ROUND_HALF_UP)


def _graded_work(user_id: int) -> CompoundSelect[Any]:
    quizzes = (
        select(
            literal(Kind.QUIZ.value).label("kind"),
            QuizAttempt.uuid.label("uuid"),
            Course.uuid.label("course_uuid"),
            Course.title.label("course_title"),
            Course.slug.label("course_slug"),
            Quiz.uuid.label("item_uuid"),
            Quiz.title.label("item_title"),
            QuizAttempt.percentage.label("score"),
            literal(Decimal(100), type_=Score()).label("max_score"),
            QuizAttempt.is_passed.label("passed"),
            func.coalesce(QuizAttempt.graded_at, QuizAttempt.submitted_at).label("graded_at"),
            QuizAttempt.feedback.label("feedback"),
        )
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.status == QuizAttemptStatus.GRADED)
    )
    assignments = (
        select(
            literal(Kind.ASSIGNMENT.value),
            AssignmentSubmission.uuid,
            Course.uuid,
            Course.title,
            Course.slug,
            Assignment.uuid,
            Assignment.title,
            AssignmentSubmission.points_earned,
            Assignment.total_points,
            AssignmentSubmission.points_earned >= Assignment.passing_points,
            AssignmentSubmission.graded_at,
            AssignmentSubmission.feedback,
        )
        .join(Assignment, Assignment.id == AssignmentSubmission.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .where(
            AssignmentSubmission.user_id == user_id,
            AssignmentSubmission.status == AssignmentSubmissionStatus.GRADED,
            AssignmentSubmission.deleted_at.is_(None),
        )
    )
    return union_all(quizzes, assignments)


async def my_grades(
    session: AsyncSession, user_id: int, page: PageParams
) -> tuple[list[MyGrade], PageMeta]:
    work = _graded_work(user_id).subquery("mine")
    total = await session.scalar(select(func.count()).select_from(work))
    rows = await session.execute(
        select(work)
        .order_by(work.c.graded_at.desc(), work.c.uuid)
        .limit(page.per_page)
        .offset(page.offset)
    )
    grades = [
        MyGrade(
            kind=Kind(row.kind),
            uuid=row.uuid,
            course_uuid=row.course_uuid,
            course_title=row.course_title,
            course_slug=row.course_slug,
            item_uuid=row.item_uuid,
            item_title=row.item_title,
            score=row.score,
            max_score=row.max_score,
            passed=bool(row.passed),
            graded_at=row.graded_at,
            feedback=row.feedback,
        )
        for row in rows
    ]
    return grades, page.meta(total or 0)
