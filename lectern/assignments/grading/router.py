"""HTTP routes of grading: ``/studio/courses/{course_uuid}/assignment-submissions``, the
queue, a submission, its files, grading and returning it. The course's owner,
co-instructors and admins; others' courses 404, students 403."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from lectern.assignments.grading import service as grading
from lectern.assignments.grading.schemas import (
    AssignmentRef,
    GradingOut,
    GradingSummary,
    ReturnIn,
    StudentOut,
    SubmissionGradeIn,
)
from lectern.assignments.schemas import ACT, FILE_RESPONSE, READ, FileId
from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit import attachments as files
from lectern.kit.downloads import attachment
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import AssignmentSubmissionStatus
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/studio/courses/{course_uuid}", tags=["assignments"])


def _grading_out(view: grading.GradingView) -> GradingOut:
    row = view.submission
    return GradingOut(
        uuid=row.uuid,
        assignment=AssignmentRef.model_validate(row.assignment),
        student=StudentOut.model_validate(row.user),
        submission_number=row.submission_number,
        status=row.status,
        content=row.content,
        files=files.public(row.files),
        is_late=row.is_late,
        submitted_at=row.submitted_at,
        points_earned=row.points_earned,
        late_penalty_applied=row.late_penalty_applied,
        passed=grading.passed(row, row.assignment),
        feedback=row.feedback,
        inline_comments=list(row.inline_comments or []),
        graded_at=row.graded_at,
        graded_by=view.graded_by,
    )


@router.get(
    "/assignment-submissions",
    response_model=Page[GradingSummary],
    summary="Submissions to grade",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_submissions(
    session: SessionDep,
    course: EditableCourse,
    status: Annotated[AssignmentSubmissionStatus | None, Query()] = None,
    assignment: Annotated[UUID | None, Query(description="An assignment's uuid.")] = None,
    params: PageParams = Depends(page_params),
) -> Page[GradingSummary]:
    """Handed-in submissions of the course (never drafts), oldest `submitted_at` first;
    `status=submitted` is the grading queue."""
    rows, meta = await grading.list_submissions(
        session, course, params, status=status, assignment_uuid=assignment
    )
    items = [
        GradingSummary(
            uuid=r.uuid,
            assignment=AssignmentRef.model_validate(r.assignment),
            student=StudentOut.model_validate(r.user),
            submission_number=r.submission_number,
            status=r.status,
            is_late=r.is_late,
            submitted_at=r.submitted_at,
            points_earned=r.points_earned,
            graded_at=r.graded_at,
        )
        for r in rows
    ]
    return Page(items=items, meta=meta)


@router.get(
    "/assignment-submissions/{submission_uuid}",
    response_model=GradingOut,
    summary="A submission, for grading",
    responses=READ,
)
async def get_submission(
    submission_uuid: UUID, session: SessionDep, course: EditableCourse
) -> GradingOut:
    row = await grading.get_submission(session, course, submission_uuid)
    return _grading_out(await grading.grading_view(session, row))


@router.get(
    "/assignment-submissions/{submission_uuid}/files/{file_id}",
    response_class=StreamingResponse,
    summary="Download a submitted file",
    responses=FILE_RESPONSE,
)
async def download_submitted_file(
    submission_uuid: UUID, file_id: FileId, session: SessionDep, course: EditableCourse
) -> StreamingResponse:
    row = await grading.get_submission(session, course, submission_uuid)
    return attachment(files.download(row.files, file_id))


@router.post(
    "/assignment-submissions/{submission_uuid}/start-grading",
    response_model=GradingOut,
    summary="Start grading a submission",
    responses=ACT,
)
async def start_grading(
    submission_uuid: UUID, session: SessionDep, course: EditableCourse
) -> GradingOut:
    """submitted → grading (409 `not_submitted` from any other status)."""
    row = await grading.start_grading(session, course, submission_uuid)
    return _grading_out(await grading.grading_view(session, row))


@router.post(
    "/assignment-submissions/{submission_uuid}/grade",
    response_model=GradingOut,
    summary="Grade a submission",
    responses=ACT,
)
async def grade(
    submission_uuid: UUID,
    body: SubmissionGradeIn,
    session: SessionDep,
    course: EditableCourse,
    user: CurrentUser,
) -> GradingOut:
    """From submitted, grading or graded (a regrade) → graded; 409 `not_gradable` otherwise.
    `points` 0..total_points (422 `points_above_total`) before the late penalty: a late
    submission earns points * (1 - penalty / 100) and records `late_penalty_applied`.
    `inline_comments`: [{file (a file id of the submission, 422 `no_such_file`), anchor,
    text}]. Passing (earned ≥ passing_points) completes the assignment's lesson for a live
    enrollment; an assignment that is not `is_required` completes it whatever the grade.
    The student is e-mailed unless they turned `email_assignment_feedback` off."""
    row = await grading.grade(session, course, user, submission_uuid, body)
    return _grading_out(await grading.grading_view(session, row))


@router.post(
    "/assignment-submissions/{submission_uuid}/return",
    response_model=GradingOut,
    summary="Return a submission for resubmission",
    responses=ACT,
)
async def return_submission(
    submission_uuid: UUID,
    body: ReturnIn,
    session: SessionDep,
    course: EditableCourse,
    user: CurrentUser,
) -> GradingOut:
    """From submitted or grading → returned (409 `not_returnable` otherwise), with
    `feedback` (required); the student may then start a new submission while
    `max_submissions` allows, and is e-mailed."""
    row = await grading.return_for_resubmission(session, course, user, submission_uuid, body)
    return _grading_out(await grading.grading_view(session, row))
