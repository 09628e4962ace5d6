"""A course's gradebook: one row per enrolled student, a column per published quiz (the
best percentage over the student's submitted or graded attempts) and per published
assignment (the points of the student's latest graded submission), and an overall result.

Overall: ``percentage`` is the average of the percentages of the items the student has a
grade in (an assignment's percentage = points / total_points * 100; null with no grade);
``passed`` is true when every required item is passed (a quiz: a graded attempt with
``is_passed``; an assignment: latest graded points ≥ ``passing_points``), false otherwise,
null when the course has no required item.

A fixed number of statements whatever the size: the students (one page, or all for the
CSV), the quizzes, the assignments, then one aggregate per kind for those students;
the pivot happens in Python.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.schemas import PageMeta, PageParams
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    Quiz,
    QuizAttempt,
    QuizAttemptStatus,
    User,
)

CENT = Decimal("0.01")


class Kind(enum.StrEnum):
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"


@dataclass(frozen=True)
class Column:
    kind: Kind
    id: int
    uuid: Any
    title: str
    is_required: bool
    max_points: Decimal  # 100 for a quiz (a percentage), total_points for an assignment
    passing: Decimal  # passing_score (%) of a quiz, passing_points of an assignment


@dataclass(frozen=True)
class Grade:
    score: Decimal | None  # quiz: best percentage; assignment: points earned
    percentage: Decimal | None
    passed: bool | None


@dataclass(frozen=True)
class Row:
    user_uuid: Any
    name: str
    email: str
    enrollment_status: EnrollmentStatus
    progress_percentage: Decimal
    grades: list[Grade]
    percentage: Decimal | None
    passed: bool | None


@dataclass(frozen=True)
class Gradebook:
    columns: list[Column]
    rows: list[Row]
    meta: PageMeta | None


def _students(course: Course) -> Any:
    return (
        select(
            User.id,
            User.uuid,
            User.name,
            User.email,
            Enrollment.status,
            Enrollment.progress_percentage,
        )
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == course.id, Enrollment.deleted_at.is_(None))
        .order_by(User.name, User.id)
    )


async def _columns(session: AsyncSession, course: Course) -> list[Column]:
    quizzes = await session.execute(
        select(Quiz.id, Quiz.uuid, Quiz.title, Quiz.is_required, Quiz.passing_score)
        .where(Quiz.course_id == course.id, Quiz.is_published.is_(True))
        .order_by(Quiz.order, Quiz.id)
    )
    assignments = await session.execute(
        select(
            Assignment.id,
            Assignment.uuid,
            Assignment.title,
            Assignment.is_required,
            Assignment.total_points,
            Assignment.passing_points,
        )
        .where(
            Assignment.course_id == course.id,
            Assignment.is_published.is_(True),
            Assignment.deleted_at.is_(None),
        )
        .order_by(Assignment.order, Assignment.id)
    )
    columns = [Column(Kind.QUIZ, i, u, t, r, Decimal(100), p) for i, u, t, r, p in quizzes]
    columns += [
        Column(Kind.ASSIGNMENT, i, u, t, r, total, p) for i, u, t, r, total, p in assignments
    ]
    return columns


async def _quiz_results(
    session: AsyncSession, quiz_ids: list[int], user_ids: list[int] | None
) -> dict[tuple[int, int], tuple[Decimal, bool]]:
    if not quiz_ids:
        return {}
    statement = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.quiz_id,
            func.max(QuizAttempt.percentage),
            func.max(
                case(
                    (
                        and_(
                            QuizAttempt.status == QuizAttemptStatus.GRADED,
                            QuizAttempt.is_passed.is_(True),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .where(
            QuizAttempt.quiz_id.in_(quiz_ids),
            QuizAttempt.status.in_((QuizAttemptStatus.SUBMITTED, QuizAttemptStatus.GRADED)),
        )
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    )
    if user_ids is not None:
        statement = statement.where(QuizAttempt.user_id.in_(user_ids))
    rows = await session.execute(statement)
    return {(u, q): (Decimal(best), bool(ok)) for u, q, best, ok in rows}


async def _assignment_results(
    session: AsyncSession, assignment_ids: list[int], user_ids: list[int] | None
) -> dict[tuple[int, int], Decimal]:
    if not assignment_ids:
        return {}
    graded = AssignmentSubmission.status == AssignmentSubmissionStatus.GRADED
    latest = (
        select(
            AssignmentSubmission.user_id.label("user_id"),
            AssignmentSubmission.assignment_id.label("assignment_id"),
            func.max(AssignmentSubmission.submission_number).label("number"),
        )
        .where(
            AssignmentSubmission.assignment_id.in_(assignment_ids),
            AssignmentSubmission.deleted_at.is_(None),
            graded,
        )
        .group_by(AssignmentSubmission.user_id, AssignmentSubmission.assignment_id)
    )
    if user_ids is not None:
        latest = latest.where(AssignmentSubmission.user_id.in_(user_ids))
    sub = latest.subquery()
    rows = await session.execute(
        select(
            AssignmentSubmission.user_id,
            AssignmentSubmission.assignment_id,
            AssignmentSubmission.points_earned,
        ).join(
            sub,
            and_(
                AssignmentSubmission.user_id == sub.c.user_id,
                AssignmentSubmission.assignment_id == sub.c.assignment_id,
                AssignmentSubmission.submission_number == sub.c.number,
            ),
        )
    )
    return {(u, a): points for u, a, points in rows}


def _pivot(
    students: Sequence[Any],
    columns: list[Column],
    quiz: dict[tuple[int, int], tuple[Decimal, bool]],
    work: dict[tuple[int, int], Decimal],
) -> list[Row]:
    required = [i for i, c in enumerate(columns) if c.is_required]
    rows = []
    for user_id, user_uuid, name, email, status, progress in students:
        grades: list[Grade] = []
        for column in columns:
            if column.kind is Kind.QUIZ:
                found = quiz.get((user_id, column.id))
                grades.append(
                    Grade(found[0], found[0], found[1]) if found else Grade(None, None, None)
                )
            else:
                points = work.get((user_id, column.id))
                if points is None:
                    grades.append(Grade(None, None, None))
                else:
                    share = (points * 100 / column.max_points).quantize(CENT, ROUND_HALF_UP)
                    grades.append(Grade(points, share, points >= column.passing))
        shares = [g.percentage for g in grades if g.percentage is not None]
        average = (
            (sum(shares, Decimal(0)) / len(shares)).quantize(CENT, ROUND_HALF_UP)
            if shares
            else None
        )
        passed = all(grades[i].passed is True for i in required) if required else None
        rows.append(Row(user_uuid, name, email, status, progress, grades, average, passed))
    return rows


async def gradebook(session: AsyncSession, course: Course, params: PageParams | None) -> Gradebook:
    """One page of students (``params``), or every student (None, for the CSV)."""
    statement = _students(course)
    meta = None
    if params is not None:
        total = await session.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery())
        )
        meta = params.meta(int(total or 0))
        statement = statement.limit(params.per_page).offset(params.offset)
    students = list(await session.execute(statement))
    columns = await _columns(session, course)
    user_ids = [s[0] for s in students] if params is not None else None
    if params is not None and not students:
        return Gradebook(columns, [], meta)
    quiz = await _quiz_results(session, [c.id for c in columns if c.kind is Kind.QUIZ], user_ids)
    work = await _assignment_results(
        session, [c.id for c in columns if c.kind is Kind.ASSIGNMENT], user_ids
    )
    return Gradebook(columns, _pivot(students, columns, quiz, work), meta)


@dataclass(frozen=True)
class Result:
    """A student's overall result in a course (see the module's docstring)."""

    percentage: Decimal | None
    passed: bool | None
    graded_items: int


async def student_result(session: AsyncSession, course: Course, user_id: int) -> Result:
    """The overall result of one student (four statements)."""
    students = list(await session.execute(_students(course).where(User.id == user_id)))
    columns = await _columns(session, course)
    if not students or not columns:
        return Result(None, None, len(columns))
    quiz = await _quiz_results(session, [c.id for c in columns if c.kind is Kind.QUIZ], [user_id])
    work = await _assignment_results(
        session, [c.id for c in columns if c.kind is Kind.ASSIGNMENT], [user_id]
    )
    [row] = _pivot(students, columns, quiz, work)
    return Result(row.percentage, row.passed, len(columns))
