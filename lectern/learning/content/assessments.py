"""A course's quizzes and assignments as a learner finds them: each with its lesson and where
the learner stands (attempts used and left, best score, submissions and their status).

Read from the tables in two statements whatever the number of items (one for the quizzes,
one for the assignments), for a whole course or for one lesson. Only published ones count
(assignments not deleted). The outline, a lesson's content and the learner's lists of a
course's quizzes and assignments all read them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern.kit.schemas import PageMeta, PageParams
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Lesson,
    Quiz,
    QuizAttempt,
    QuizAttemptStatus,
)


@dataclass(frozen=True)
class QuizState:
    uuid: UUID
    title: str
    lesson_id: int | None
    lesson_uuid: UUID | None
    is_required: bool
    passing_score: Decimal
    max_attempts: int  # 0: unlimited
    attempts_used: int
    best_percentage: Decimal | None  # the best graded attempt's
    passed: bool
    in_progress: UUID | None

    @property
    def attempts_left(self) -> int | None:
        """None: unlimited. Every attempt counts, the one in progress too."""
        if not self.max_attempts:
            return None
        return max(0, self.max_attempts - self.attempts_used)


@dataclass(frozen=True)
class AssignmentState:
    uuid: UUID
    title: str
    lesson_id: int | None
    lesson_uuid: UUID | None
    is_required: bool
    due_date: datetime | None
    total_points: Decimal
    passing_points: Decimal
    max_submissions: int  # 0: unlimited
    submissions_used: int  # handed in (drafts not counted)
    status: AssignmentSubmissionStatus | None  # the latest submission's
    points_earned: Decimal | None  # once the latest submission is graded


async def quiz_states(
    session: AsyncSession,
    user_id: int,
    course_id: int,
    lesson_id: int | None = None,
    page: PageParams | None = None,
) -> list[QuizState]:
    """The course's published quizzes (or the lesson's, or a page of them), in course order
    (one statement)."""
    mine = and_(QuizAttempt.quiz_id == Quiz.id, QuizAttempt.user_id == user_id)
    graded = and_(mine, QuizAttempt.status == QuizAttemptStatus.GRADED)
    statement = (
        select(
            Quiz,
            Lesson.uuid.label("lesson_uuid"),
            _count(QuizAttempt.id, mine).label("used"),
            select(func.max(QuizAttempt.percentage)).where(graded).scalar_subquery().label("best"),
            _count(QuizAttempt.id, graded, QuizAttempt.is_passed.is_(True)).label("passes"),
            select(QuizAttempt.uuid)
            .where(mine, QuizAttempt.status == QuizAttemptStatus.IN_PROGRESS)
            .limit(1)
            .scalar_subquery()
            .label("open"),
        )
        .outerjoin(Lesson, Lesson.id == Quiz.lesson_id)
        .where(Quiz.course_id == course_id, Quiz.is_published.is_(True))
        .order_by(Quiz.order, Quiz.id)
    )
    if lesson_id is not None:
        statement = statement.where(Quiz.lesson_id == lesson_id)
    if page is not None:
        statement = statement.limit(page.per_page).offset(page.offset)
    return [
        QuizState(
            uuid=quiz.uuid,
            title=quiz.title,
            lesson_id=quiz.lesson_id,
            lesson_uuid=row.lesson_uuid,
            is_required=quiz.is_required,
            passing_score=quiz.passing_score,
            max_attempts=quiz.max_attempts,
            attempts_used=row.used,
            best_percentage=row.best,
            passed=row.passes > 0,
            in_progress=row.open,
        )
        for row in await session.execute(statement)
        for quiz in (row.Quiz,)
    ]


async def assignment_states(
    session: AsyncSession,
    user_id: int,
    course_id: int,
    lesson_id: int | None = None,
    page: PageParams | None = None,
) -> list[AssignmentState]:
    """The course's published assignments (or the lesson's, or a page of them), in course
    order (one statement)."""
    mine = and_(
        AssignmentSubmission.assignment_id == Assignment.id,
        AssignmentSubmission.user_id == user_id,
        AssignmentSubmission.deleted_at.is_(None),
    )
    latest = aliased(AssignmentSubmission, name="latest")

    def of_latest(column: Any) -> Any:
        """``column`` of my latest submission (the highest number)."""
        return (
            select(column)
            .where(
                latest.assignment_id == Assignment.id,
                latest.user_id == user_id,
                latest.deleted_at.is_(None),
            )
            .order_by(latest.submission_number.desc(), latest.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    statement = (
        select(
            Assignment,
            Lesson.uuid.label("lesson_uuid"),
            _count(
                AssignmentSubmission.id,
                mine,
                AssignmentSubmission.status != AssignmentSubmissionStatus.DRAFT,
            ).label("used"),
            of_latest(latest.status).label("status"),
            of_latest(
                case((latest.status == AssignmentSubmissionStatus.GRADED, latest.points_earned))
            ).label("points"),
        )
        .outerjoin(Lesson, Lesson.id == Assignment.lesson_id)
        .where(
            Assignment.course_id == course_id,
            Assignment.is_published.is_(True),
            Assignment.deleted_at.is_(None),
        )
        .order_by(Assignment.order, Assignment.id)
    )
    if lesson_id is not None:
        statement = statement.where(Assignment.lesson_id == lesson_id)
    if page is not None:
        statement = statement.limit(page.per_page).offset(page.offset)
    return [
        AssignmentState(
            uuid=assignment.uuid,
            title=assignment.title,
            lesson_id=assignment.lesson_id,
            lesson_uuid=row.lesson_uuid,
            is_required=assignment.is_required,
            due_date=assignment.due_date,
            total_points=assignment.total_points,
            passing_points=assignment.passing_points,
            max_submissions=assignment.max_submissions,
            submissions_used=row.used,
            status=row.status,
            points_earned=row.points,
        )
        for row in await session.execute(statement)
        for assignment in (row.Assignment,)
    ]


async def quiz_page(
    session: AsyncSession, user_id: int, course_id: int, page: PageParams
) -> tuple[list[QuizState], PageMeta]:
    """A page of the course's published quizzes (two statements)."""
    total = await session.scalar(
        select(func.count(Quiz.id)).where(Quiz.course_id == course_id, Quiz.is_published.is_(True))
    )
    return await quiz_states(session, user_id, course_id, page=page), page.meta(total or 0)


async def assignment_page(
    session: AsyncSession, user_id: int, course_id: int, page: PageParams
) -> tuple[list[AssignmentState], PageMeta]:
    """A page of the course's published assignments (two statements)."""
    total = await session.scalar(
        select(func.count(Assignment.id)).where(
            Assignment.course_id == course_id,
            Assignment.is_published.is_(True),
            Assignment.deleted_at.is_(None),
        )
    )
    return await assignment_states(session, user_id, course_id, page=page), page.meta(total or 0)


def _count(column: Any, *where: ColumnElement[bool]) -> Any:
    return select(func.count(column)).where(*where).scalar_subquery()


def by_lesson(states: list[Any]) -> dict[int, Any]:
    """The first state of each lesson (a lesson holds one quiz or one assignment)."""
    found: dict[int, Any] = {}
    for state in states:
        if state.lesson_id is not None:
            found.setdefault(state.lesson_id, state)
    return found
