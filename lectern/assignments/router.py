"""HTTP routes of assignments.

- Studio (the course's owner, co-instructors, admins; others' courses 404, students 403):
  ``/studio/courses/{course_uuid}/assignments`` — CRUD and attachments;
  ``/studio/courses/{course_uuid}/assignment-submissions`` — grading.
- Learners (entitled to the course; the assignment published, its lesson open):
  ``/learn/{course_uuid}/assignments/{assignment_uuid}`` and its ``submissions``.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, File, Form, Path, Query, Response, UploadFile
from fastapi.responses import StreamingResponse

from lectern.assignments import files
from lectern.assignments.grading import service as grading
from lectern.assignments.schemas import (
    AssignmentCreate,
    AssignmentOut,
    AssignmentRef,
    AssignmentUpdate,
    GradeIn,
    GradingOut,
    GradingSummary,
    LearnerAssignmentOut,
    ReturnIn,
    StudentOut,
    SubmissionOut,
)
from lectern.assignments.studio import service as studio
from lectern.assignments.submissions import service as submissions
from lectern.auth.dependencies import CurrentUser
from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.errors import NotFound, problem_responses
from lectern.kit.downloads import Download, attachment
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.kit.storage import storage
from lectern.models import Assignment, AssignmentSubmission, AssignmentSubmissionStatus

router = ApiRouter()
studio_router = ApiRouter(prefix="/studio/courses/{course_uuid}", tags=["assignments"])
learn_router = ApiRouter(prefix="/learn/{course_uuid}/assignments", tags=["assignments"])

FileId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")]
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(401, 403, 404, 422)
ACT = problem_responses(401, 403, 404, 409, 422)
UPLOAD = problem_responses(401, 403, 404, 409, 413, 415, 422)
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The file."},
    **READ,
}
Content = Annotated[
    str | None, Form(max_length=100_000, description="The text of the submission (plain text).")
]


def _assignment_out(view: studio.AssignmentView) -> AssignmentOut:
    a = view.assignment
    data = {
        name: getattr(a, name)
        for name in AssignmentOut.model_fields
        if name in Assignment.__table__.columns
    }
    data.update(lesson=view.lesson_uuid, attachments=files.public(a.attachments))
    return AssignmentOut.model_validate(data)


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


def _download(entry: dict[str, Any] | None) -> StreamingResponse:
    if entry is None:
        raise NotFound("no such file")
    return attachment(
        Download(
            file_name=entry["name"],
            media_type=entry.get("type") or "application/octet-stream",
            size=entry["size"],
            chunks=storage().open(entry["path"]),
        )
    )


# -- studio: authoring ------------------------------------------------------------------------


@studio_router.get(
    "/assignments",
    response_model=Page[AssignmentOut],
    summary="A course's assignments",
    responses=READ,
)
async def list_assignments(
    session: SessionDep, course: EditableCourse, params: PageParams = Depends(page_params)
) -> Page[AssignmentOut]:
    """Every assignment (published or not), by `order`."""
    views, meta = await studio.list_assignments(session, course, params)
    return Page(items=[_assignment_out(v) for v in views], meta=meta)


@studio_router.post(
    "/assignments",
    response_model=AssignmentOut,
    status_code=201,
    summary="Create an assignment",
    responses=WRITE,
)
async def create_assignment(
    body: AssignmentCreate, session: SessionDep, course: EditableCourse
) -> AssignmentOut:
    """`total_points` > 0, `passing_points` ≤ `total_points` (422 `passing_above_total`),
    `late_submission_penalty` 0-100 (% of the points), `max_file_size` MB (0 = only the
    platform's `uploads.max_file_mb`), `allowed_file_types` extensions (null / [] = any),
    `max_submissions` (0 = unlimited), `lesson`: an assignment-type lesson of this course
    holding no other assignment (422 `no_such_lesson`, `not_assignment_lesson`,
    `lesson_taken`). `instructions` are sanitised HTML."""
    return _assignment_out(await studio.create_assignment(session, course, body))


@studio_router.get(
    "/assignments/{assignment_uuid}",
    response_model=AssignmentOut,
    summary="An assignment",
    responses=READ,
)
async def get_assignment(
    assignment_uuid: UUID, session: SessionDep, course: EditableCourse
) -> AssignmentOut:
    assignment = await studio.get_assignment(session, course, assignment_uuid)
    return _assignment_out(await studio.view(session, assignment))


@studio_router.patch(
    "/assignments/{assignment_uuid}",
    response_model=AssignmentOut,
    summary="Change an assignment",
    responses=WRITE,
)
async def update_assignment(
    assignment_uuid: UUID, body: AssignmentUpdate, session: SessionDep, course: EditableCourse
) -> AssignmentOut:
    """Fields left out stay; the same rules as creation (checked on the result)."""
    return _assignment_out(await studio.update_assignment(session, course, assignment_uuid, body))


@studio_router.delete(
    "/assignments/{assignment_uuid}",
    status_code=204,
    summary="Delete an assignment",
    responses=READ,
)
async def delete_assignment(
    assignment_uuid: UUID, session: SessionDep, course: EditableCourse
) -> Response:
    """Soft delete: gone for everyone, the submissions kept in the database."""
    await studio.delete_assignment(session, course, assignment_uuid)
    return Response(status_code=204)


@studio_router.post(
    "/assignments/{assignment_uuid}/attachments",
    response_model=AssignmentOut,
    status_code=201,
    summary="Attach a file to an assignment",
    responses=UPLOAD,
)
async def add_attachment(
    assignment_uuid: UUID,
    session: SessionDep,
    course: EditableCourse,
    file: Annotated[UploadFile, File(description="PDF, zip, image, audio, video or office file.")],
) -> AssignmentOut:
    """Types as lesson resources (sniffed; 415 otherwise), size within the platform's
    `uploads.max_file_mb` (413); at most 20 (422 `too_many_files`)."""
    return _assignment_out(await studio.add_attachment(session, course, assignment_uuid, file))


@studio_router.delete(
    "/assignments/{assignment_uuid}/attachments/{file_id}",
    status_code=204,
    summary="Remove an attachment",
    responses=READ,
)
async def delete_attachment(
    assignment_uuid: UUID, file_id: FileId, session: SessionDep, course: EditableCourse
) -> Response:
    await studio.delete_attachment(session, course, assignment_uuid, file_id)
    return Response(status_code=204)


@studio_router.get(
    "/assignments/{assignment_uuid}/attachments/{file_id}",
    response_class=StreamingResponse,
    summary="Download an attachment",
    responses=FILE_RESPONSE,
)
async def download_attachment(
    assignment_uuid: UUID, file_id: FileId, session: SessionDep, course: EditableCourse
) -> StreamingResponse:
    assignment = await studio.get_assignment(session, course, assignment_uuid)
    return _download(files.find(assignment.attachments, file_id))


# -- studio: grading --------------------------------------------------------------------------


@studio_router.get(
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


@studio_router.get(
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


@studio_router.get(
    "/assignment-submissions/{submission_uuid}/files/{file_id}",
    response_class=StreamingResponse,
    summary="Download a submitted file",
    responses=FILE_RESPONSE,
)
async def download_submitted_file(
    submission_uuid: UUID, file_id: FileId, session: SessionDep, course: EditableCourse
) -> StreamingResponse:
    row = await grading.get_submission(session, course, submission_uuid)
    return _download(files.find(row.files, file_id))


@studio_router.post(
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


@studio_router.post(
    "/assignment-submissions/{submission_uuid}/grade",
    response_model=GradingOut,
    summary="Grade a submission",
    responses=ACT,
)
async def grade(
    submission_uuid: UUID,
    body: GradeIn,
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


@studio_router.post(
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


# -- learners ---------------------------------------------------------------------------------


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


@learn_router.get(
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


@learn_router.get(
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
    return _download(files.find(context.assignment.attachments, file_id))


@learn_router.post(
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
    content: Content = None,
    files_: Annotated[
        list[UploadFile] | None,
        File(alias="files", description="Files of the assignment's allowed types."),
    ] = None,
    submit: Annotated[bool, Form(description="Hand it in at once.")] = False,
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
        content=content,
        uploads=files_ or [],
        submit=submit,
    )
    return _submission_out(row, context.assignment)


@learn_router.get(
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


@learn_router.patch(
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
    content: Content = None,
    files_: Annotated[
        list[UploadFile] | None, File(alias="files", description="Files to add.")
    ] = None,
) -> SubmissionOut:
    """Multipart: `content` replaces the text when sent; `files` are added (10 at most in
    all). 409 `not_a_draft` once handed in."""
    context, row = await submissions.update_draft(
        session,
        user,
        course_uuid,
        assignment_uuid,
        submission_uuid,
        content=content,
        uploads=files_ or [],
    )
    return _submission_out(row, context.assignment)


@learn_router.delete(
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


@learn_router.delete(
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


@learn_router.get(
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
    return _download(files.find(row.files, file_id))


@learn_router.post(
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


router.include_router(studio_router)
router.include_router(learn_router)
