"""HTTP routes of assignment authoring: ``/studio/courses/{course_uuid}/assignments``, their
CRUD and attachments. The course's owner, co-instructors and admins; others' courses 404,
students 403. Grading is in ``grading/``, the learners' side in ``submissions/``.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Form, Response
from fastapi.responses import StreamingResponse

from lectern.assignments.schemas import FILE_RESPONSE, READ, UPLOAD, WRITE, FileId
from lectern.assignments.studio import service as studio
from lectern.assignments.studio.schemas import (
    AssignmentCreate,
    AssignmentOut,
    AssignmentUpdate,
    AttachmentUpload,
)
from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.kit import attachments as files
from lectern.kit.downloads import attachment
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import Assignment

router = ApiRouter(prefix="/studio/courses/{course_uuid}", tags=["assignments"])


def _assignment_out(view: studio.AssignmentView) -> AssignmentOut:
    a = view.assignment
    data = {
        name: getattr(a, name)
        for name in AssignmentOut.model_fields
        if name in Assignment.__table__.columns
    }
    data.update(lesson=view.lesson_uuid, attachments=files.public(a.attachments))
    return AssignmentOut.model_validate(data)


# -- studio: authoring ------------------------------------------------------------------------


@router.get(
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


@router.post(
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


@router.get(
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


@router.patch(
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


@router.delete(
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


@router.post(
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
    form: Annotated[AttachmentUpload, Form(media_type="multipart/form-data")],
) -> AssignmentOut:
    """Types as lesson resources (sniffed; 415 otherwise), size within the platform's
    `uploads.max_file_mb` (413); at most 20 (422 `too_many_files`)."""
    return _assignment_out(await studio.add_attachment(session, course, assignment_uuid, form.file))


@router.delete(
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


@router.get(
    "/assignments/{assignment_uuid}/attachments/{file_id}",
    response_class=StreamingResponse,
    summary="Download an attachment",
    responses=FILE_RESPONSE,
)
async def download_attachment(
    assignment_uuid: UUID, file_id: FileId, session: SessionDep, course: EditableCourse
) -> StreamingResponse:
    assignment = await studio.get_assignment(session, course, assignment_uuid)
    return attachment(files.download(assignment.attachments, file_id))


# -- studio: grading --------------------------------------------------------------------------


# -- learners ---------------------------------------------------------------------------------
