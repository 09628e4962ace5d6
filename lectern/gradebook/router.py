"""HTTP routes of the gradebook (the course's owner, co-instructors and admins) and of my
grades (every signed-in user's own)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import Depends
from fastapi.responses import StreamingResponse

from lectern.courses.policy import Access, course_for
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.gradebook import my_grades as mine
from lectern.gradebook import service
from lectern.gradebook.schemas import (
    ColumnOut,
    CourseRefOut,
    GradebookOut,
    GradedItemOut,
    GradeOut,
    MyGradeOut,
    StudentRowOut,
)
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.kit.spreadsheets import csv_download, each
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/studio/courses/{course_uuid}", tags=["gradebook"])


def _row(row: service.Row) -> StudentRowOut:
    return StudentRowOut(
        uuid=row.user_uuid,
        name=row.name,
        email=row.email,
        enrollment_status=row.enrollment_status,
        progress_percentage=row.progress_percentage,
        grades=[GradeOut.model_validate(g) for g in row.grades],
        percentage=row.percentage,
        passed=row.passed,
    )


@router.get(
    "/gradebook",
    response_model=GradebookOut,
    summary="The course's gradebook",
    responses=problem_responses(401, 403, 404, 422),
)
async def gradebook(
    course_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    params: PageParams = Depends(page_params),
) -> GradebookOut:
    """`columns`: published quizzes (by order), then published assignments; each student's
    `grades` follow the columns: a quiz's `score` and `percentage` are the best percentage
    over submitted or graded attempts, `passed` a graded passing attempt; an assignment's
    `score` is the latest graded submission's points (after any late penalty),
    `percentage` = score / total_points, `passed` = score ≥ passing_points; null without a
    grade. `percentage` overall: the average over graded items; `passed`: every required
    item passed (null when none is required). Students (every enrollment of the course,
    any status) by name, paginated."""
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    book = await service.gradebook(session, course, params)
    assert book.meta is not None
    return GradebookOut(
        columns=[ColumnOut.model_validate(c) for c in book.columns],
        items=[_row(r) for r in book.rows],
        meta=book.meta,
    )


@router.get(
    "/gradebook.csv",
    summary="The course's gradebook as CSV",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The CSV file."},
        **problem_responses(401, 403, 404),
    },
)
async def gradebook_csv(
    course_uuid: UUID, session: SessionDep, user: CurrentUser
) -> StreamingResponse:
    """Every student (no pages): name, email, enrollment status, progress, one column per
    quiz (best %) and per assignment (points), overall % and passed (yes / no / empty).
    Cells a spreadsheet would run as a formula (= + - @ …) start with a quote."""
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    book = await service.gradebook(session, course, None)
    header = ["student", "email", "enrollment_status", "progress_percentage"]
    for column in book.columns:
        unit = "%" if column.kind is service.Kind.QUIZ else f"/{column.max_points}"
        header.append(f"{column.kind.value}: {column.title} ({unit})")
    header += ["overall_percentage", "passed"]

    rows = (
        [row.name, row.email, row.enrollment_status.value, row.progress_percentage]
        + [g.score for g in row.grades]
        + [row.percentage, None if row.passed is None else ("yes" if row.passed else "no")]
        for row in book.rows
    )
    stamp = datetime.now().strftime("%Y%m%d")
    return csv_download(f"gradebook-{course.slug}-{stamp}.csv", header, each(rows))


me = ApiRouter(prefix="/me/grades", tags=["gradebook"])


@me.get(
    "",
    response_model=Page[MyGradeOut],
    summary="My grades: my graded quizzes and assignments in every course",
    description="Newest first. A quiz attempt scores its percentage out of 100, an "
    "assignment submission its points out of the assignment's total.",
    responses=problem_responses(401),
)
async def my_grades(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[MyGradeOut]:
    grades, meta = await mine.my_grades(session, user.id, params)
    return Page[MyGradeOut](
        items=[
            MyGradeOut(
                kind=grade.kind,
                uuid=grade.uuid,
                course=CourseRefOut(
                    uuid=grade.course_uuid, title=grade.course_title, slug=grade.course_slug
                ),
                item=GradedItemOut(uuid=grade.item_uuid, title=grade.item_title),
                score=grade.score,
                max_score=grade.max_score,
                percentage=grade.percentage,
                passed=grade.passed,
                graded_at=grade.graded_at,
                feedback=grade.feedback,
            )
            for grade in grades
        ],
        meta=meta,
    )
