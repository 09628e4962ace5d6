"""HTTP routes of the learners' side: ``/learn/{course_uuid}/assignments/{assignment_uuid}``
and its ``submissions`` (drafts, files, handing in). For learners entitled to the course,
the assignment published and its lesson open."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Form, Response
from fastapi.responses import StreamingResponse

from lectern.assignments.grading import service as grading
from lectern.assignments.schemas import ACT, FILE_RESPONSE, READ, UPLOAD, FileId
from lectern.assignments.submissions import service as submissions
from lectern.assignments.submissions.schemas import (
    DraftUpload,
    LearnerAssignmentOut,
    SubmissionOut,
    SubmissionUpload,
)
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit import attachments as files
from lectern.kit.downloads import attachment
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.learning.access import learner_course
from lectern.learning.content.assessments import assignment_page
from lectern.learning.content.schemas import AssignmentStateOut, assignment_out
from lectern.models import Assignment, AssignmentSubmission, AssignmentSubmissionStatus
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/learn/{course_uuid}/assignments", tags=["assignments"])


def _submission_out(row: AssignmentSubmission, assignment: Assignment) -> SubmissionOut:
    graded = row.status is AssignmentSubmissionStatus.GRADED
    reviewed = graded or row.status in (
        AssignmentSubmissionStatus.RETURNED,
        AssignmentSubmissionStatus.RESUBMIT,
    )
    return SubmissionOut(
        uuid=row.uuid,
        submission_number=row.submission_number,
        status=row.status,
        content=row.content,
        files=files.public(row.files),
        is_late=row.is_late,
        submitted_at=row.submitted_at,
        points_earned=row.points_earned if graded else None,
        late_penalty_applied=row.late_penalty_applied if graded else None,
        passed=grading.passed(row, assignment),
        feedback=row.feedback if reviewed else None,
        inline_comments=list(row.inline_comments or []) if reviewed else [],
        graded_at=row.graded_at if reviewed else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _learner_out(view: submissions.LearnerView) -> LearnerAssignmentOut:
    a = view.context.assignment
    data = {
        name: getattr(a, name)
        for name in LearnerAssignmentOut.model_fields
        if name in Assignment.__table__.columns
    }
    data.update(
        lesson=view.lesson_uuid,
        attachments=files.public(a.attachments),
        submissions_used=view.used,
        can_submit=view.can_submit,
        submissions=[_submission_out(s, a) for s in view.submissions],
    )
    return LearnerAssignmentOut.model_validate(data)


@router.get(
    "",
    response_model=Page[AssignmentStateOut],
    summary="The course's assignments, and where I stand in each",
    description="Published assignments in course order, each with its lesson, due date, "
    "my submissions handed in, my latest submission's status and, once graded, its points. "
    "403 unless entitled to the course.",
    responses=problem_responses(401, 403, 404),
)
async def course_assignments(
    course_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    params: PageParams = Depends(page_params),
) -> Page[AssignmentStateOut]:
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    states, meta = await assignment_page(session, user.id, course.id, params)
    return Page[AssignmentStateOut](items=[assignment_out(state) for state in states], meta=meta)


@router.get(
    "/{assignment_uuid}",
    response_model=LearnerAssignmentOut,
    summary="An assignment for the learner",
    responses=READ,
)
async def learner_assignment(
    course_uuid: UUID, assignment_uuid: UUID, session: SessionDep, user: CurrentUser
) -> LearnerAssignmentOut:
    """A published assignment of a course the caller is entitled to (403 `not_enrolled` /
    `enrollment_*`; 403 `lesson_locked` while its lesson is locked), with my submissions
    (grades and feedback once graded or returned), `submissions_used` and `can_submit`."""
    view = await submissions.learner_view(session, user, course_uuid, assignment_uuid)
    return _learner_out(view)


@router.get(
    "/{assignment_uuid}/attachments/{file_id}",
    response_class=StreamingResponse,
    summary="Download an assignment's attachment",
    responses=FILE_RESPONSE,
)
async def learner_attachment(
    course_uuid: UUID,
    assignment_uuid: UUID,
    file_id: FileId,
    session: SessionDep,
    user: CurrentUser,
) -> StreamingResponse:
    context = await submissions.load(session, user, course_uuid, assignment_uuid)
    return attachment(files.download(context.assignment.attachments, file_id))


@router.post(
    "/{assignment_uuid}/submissions",
    response_model=SubmissionOut,
    status_code=201,
    summary="Start a submission (a draft), or hand it in at once",
    responses=UPLOAD,
)
async def create_submission(
    course_uuid: UUID,
    assignment_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    form: Annotated[SubmissionUpload, Form(media_type="multipart/form-data")],
) -> SubmissionOut:
    """Multipart: `content` (text), `files` (repeatable, at most 10), `submit`. A new draft
    is numbered after my latest submission; 409 `draft_exists` (with `submission`),
    `already_submitted`, `already_graded`, `max_submissions_reached`, `past_due`. Files:
    415 for a type outside `allowed_file_types` (sniffed from the content; unrecognised
    content only as UTF-8 text with an allowed extension), 413 over `max_file_size` MB."""
    context, row = await submissions.create_draft(
        session,
        user,
        course_uuid,
        assignment_uuid,
        content=form.content,
        uploads=form.files or [],
        submit=form.submit,
    )
    return _submission_out(row, context.assignment)


@router.get(
    "/{assignment_uuid}/submissions/{submission_uuid}",
    response_model=SubmissionOut,
    summary="One of my submissions",
    responses=READ,
)
async def my_submission(
    course_uuid: UUID,
    assignment_uuid: UUID,
    submission_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
) -> SubmissionOut:
    context, row = await submissions.get_submission(
        session, user, course_uuid, assignment_uuid, submission_uuid
    )
    return _submission_out(row, context.assignment)


@router.patch(
    "/{assignment_uuid}/submissions/{submission_uuid}",
    response_model=SubmissionOut,
    summary="Edit my draft",
    responses=UPLOAD,
)
async def edit_draft(
    course_uuid: UUID,
    assignment_uuid: UUID,
    submission_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    form: Annotated[DraftUpload, Form(media_type="multipart/form-data")],
) -> SubmissionOut:
    """Multipart: `content` replaces the text when sent; `files` are added (10 at most in
    all). 409 `not_a_draft` once handed in."""
    context, row = await submissions.update_draft(
        session,
        user,
        course_uuid,
        assignment_uuid,
        submission_uuid,
        content=form.content,
        uploads=form.files or [],
    )
    return _submission_out(row, context.assignment)


@router.delete(
    "/{assignment_uuid}/submissions/{submission_uuid}",
    status_code=204,
    summary="Discard my draft",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_draft(
    course_uuid: UUID,
    assignment_uuid: UUID,
    submission_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    await submissions.delete_draft(session, user, course_uuid, assignment_uuid, submission_uuid)
    return Response(status_code=204)


@router.delete(
    "/{assignment_uuid}/submissions/{submission_uuid}/files/{file_id}",
    status_code=204,
    summary="Remove a file from my draft",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_draft_file(
    course_uuid: UUID,
    assignment_uuid: UUID,
    submission_uuid: UUID,
    file_id: FileId,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    await submissions.delete_draft_file(
        session, user, course_uuid, assignment_uuid, submission_uuid, file_id
    )
    return Response(status_code=204)


@router.get(
    "/{assignment_uuid}/submissions/{submission_uuid}/files/{file_id}",
    response_class=StreamingResponse,
    summary="Download one of my files",
    responses=FILE_RESPONSE,
)
async def my_file(
    course_uuid: UUID,
    assignment_uuid: UUID,
    submission_uuid: UUID,
    file_id: FileId,
    session: SessionDep,
    user: CurrentUser,
) -> StreamingResponse:
    _, row = await submissions.get_submission(
        session, user, course_uuid, assignment_uuid, submission_uuid
    )
    return attachment(files.download(row.files, file_id))


@router.post(
    "/{assignment_uuid}/submissions/{submission_uuid}/submit",
    response_model=SubmissionOut,
    summary="Hand in my draft",
    responses=ACT,
)
async def submit(
    course_uuid: UUID,
    assignment_uuid: UUID,
    submission_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
) -> SubmissionOut:
    """draft → submitted: 422 `empty_submission` without text or files, 409 `past_due` after
    the due date unless late work is allowed (then `is_late`), 409 `already_submitted`.
    A submission returned earlier becomes `resubmit`."""
    context, row = await submissions.submit(
        session, user, course_uuid, assignment_uuid, submission_uuid
    )
    return _submission_out(row, context.assignment)
