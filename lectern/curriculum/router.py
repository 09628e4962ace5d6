"""HTTP routes of the curriculum domain: a course's sections, lessons, resources and
subtitle tracks, in the studio.

Every route needs an approved instructor (or an admin, 403 otherwise) who may edit the
course: its owner, a co-instructor or an admin; anyone else's course is a 404. Sections
are addressed by id within their course, lessons by uuid.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Form, Path, Response
from fastapi.responses import StreamingResponse

from lectern.courses.dependencies import EditableCourse
from lectern.curriculum import files, service
from lectern.curriculum.schemas import (
    MAX_ID,
    LessonCreate,
    LessonMove,
    LessonOut,
    LessonReorder,
    LessonUpdate,
    ResourceOut,
    ResourceUpload,
    SectionCreate,
    SectionList,
    SectionOut,
    SectionReorder,
    SectionUpdate,
    TrackOut,
    TrackUpload,
)
from lectern.db import SessionDep
from lectern.errors import InvalidInput, problem_responses
from lectern.kit.downloads import attachment
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params

router = ApiRouter(prefix="/studio/courses/{course_uuid}", tags=["curriculum"])

SectionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The section's id.")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(401, 403, 404, 422)


def _lesson_out(view: service.LessonView) -> LessonOut:
    data = {
        name: getattr(view.lesson, name)
        for name in LessonOut.model_fields
        if name != "drip_after_lesson"
    }
    return LessonOut.model_validate({**data, "drip_after_lesson": view.drip_after_lesson})


# -- sections ---------------------------------------------------------------------------------


@router.get("/sections", response_model=SectionList, summary="The curriculum", responses=READ)
async def list_sections(session: SessionDep, course: EditableCourse) -> SectionList:
    """Sections in order, each with its lessons in order (deleted ones left out). Not
    paginated: the curriculum is edited and reordered whole."""
    sections = await service.list_sections(session, course)
    return SectionList(items=[SectionOut.model_validate(s) for s in sections])


@router.post(
    "/sections",
    response_model=SectionOut,
    status_code=201,
    summary="Add a section",
    responses=WRITE,
)
async def create_section(
    body: SectionCreate, session: SessionDep, course: EditableCourse
) -> SectionOut:
    """Added at the end. Drip: `days_after_enrollment` needs `drip_days`, `date` needs
    `drip_date`, `after_section` needs `drip_after_section_id` (another section of this
    course)."""
    return SectionOut.model_validate(await service.create_section(session, course, body))


@router.post(
    "/sections/reorder",
    response_model=SectionList,
    summary="Reorder the sections",
    responses=WRITE,
)
async def reorder_sections(
    body: SectionReorder, session: SessionDep, course: EditableCourse
) -> SectionList:
    """`section_ids` names every section of the course once; `order` becomes 0..n-1."""
    sections = await service.reorder_sections(session, course, body.section_ids)
    return SectionList(items=[SectionOut.model_validate(s) for s in sections])


@router.patch(
    "/sections/{section_id}",
    response_model=SectionOut,
    summary="Edit a section",
    responses=WRITE,
)
async def update_section(
    section_id: SectionId, body: SectionUpdate, session: SessionDep, course: EditableCourse
) -> SectionOut:
    section = await service.update_section(session, course, section_id, body)
    return SectionOut.model_validate(section)


@router.delete(
    "/sections/{section_id}", status_code=204, summary="Delete a section", responses=READ
)
async def delete_section(
    section_id: SectionId, session: SessionDep, course: EditableCourse
) -> Response:
    """Soft-deletes the section and its lessons; the other sections close up."""
    await service.delete_section(session, course, section_id)
    return Response(status_code=204)


# -- lessons ----------------------------------------------------------------------------------


@router.post(
    "/sections/{section_id}/lessons",
    response_model=LessonOut,
    status_code=201,
    summary="Add a lesson to a section",
    responses=WRITE,
)
async def create_lesson(
    section_id: SectionId, body: LessonCreate, session: SessionDep, course: EditableCourse
) -> LessonOut:
    """Added at the end of the section. Each type needs its fields: video → `video_url` or
    `video_provider` + `video_id`; audio → `audio_url`; document → `document_url`; text →
    `content`; embed → `embed_code`. HTML and embed codes are sanitised."""
    return _lesson_out(await service.create_lesson(session, course, section_id, body))


@router.post(
    "/sections/{section_id}/lessons/reorder",
    response_model=SectionOut,
    summary="Reorder the lessons of a section",
    responses=WRITE,
)
async def reorder_lessons(
    section_id: SectionId, body: LessonReorder, session: SessionDep, course: EditableCourse
) -> SectionOut:
    """`lesson_uuids` names every lesson of the section once; `order` becomes 0..n-1."""
    section = await service.reorder_lessons(session, course, section_id, body.lesson_uuids)
    return SectionOut.model_validate(section)


@router.get("/lessons/{lesson_uuid}", response_model=LessonOut, summary="A lesson", responses=READ)
async def get_lesson(lesson_uuid: UUID, session: SessionDep, course: EditableCourse) -> LessonOut:
    lesson = await service.get_lesson(session, course, lesson_uuid)
    return _lesson_out(await service.lesson_view(session, lesson))


@router.patch(
    "/lessons/{lesson_uuid}", response_model=LessonOut, summary="Edit a lesson", responses=WRITE
)
async def update_lesson(
    lesson_uuid: UUID, body: LessonUpdate, session: SessionDep, course: EditableCourse
) -> LessonOut:
    """Fields left out stay as they are; the result must still suit the lesson's type."""
    return _lesson_out(await service.update_lesson(session, course, lesson_uuid, body))


@router.delete("/lessons/{lesson_uuid}", status_code=204, summary="Delete a lesson", responses=READ)
async def delete_lesson(lesson_uuid: UUID, session: SessionDep, course: EditableCourse) -> Response:
    await service.delete_lesson(session, course, lesson_uuid)
    return Response(status_code=204)


@router.post(
    "/lessons/{lesson_uuid}/move",
    response_model=LessonOut,
    summary="Move a lesson to another section",
    responses=WRITE,
)
async def move_lesson(
    lesson_uuid: UUID, body: LessonMove, session: SessionDep, course: EditableCourse
) -> LessonOut:
    """To `position` (0-based; the end by default) of `section_id`, a section of the same
    course (404 otherwise). Both sections stay densely ordered."""
    return _lesson_out(await service.move_lesson(session, course, lesson_uuid, body))


# -- resources --------------------------------------------------------------------------------


@router.get(
    "/lessons/{lesson_uuid}/resources",
    response_model=Page[ResourceOut],
    summary="A lesson's resources",
    responses=READ,
)
async def list_resources(
    lesson_uuid: UUID,
    session: SessionDep,
    course: EditableCourse,
    params: PageParams = Depends(page_params),
) -> Page[ResourceOut]:
    rows, meta = await files.list_resources(session, course, lesson_uuid, params)
    return Page(items=[ResourceOut.model_validate(r) for r in rows], meta=meta)


@router.post(
    "/lessons/{lesson_uuid}/resources",
    response_model=ResourceOut,
    status_code=201,
    summary="Upload a resource",
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
async def add_resource(
    lesson_uuid: UUID,
    session: SessionDep,
    course: EditableCourse,
    form: Annotated[ResourceUpload, Form(media_type="multipart/form-data")],
) -> ResourceOut:
    """The size limit is the platform setting `uploads.max_file_mb` (413 above it); the type
    is sniffed from the content (415 unless PDF, zip, image, audio, video or office)."""
    resource = await files.add_resource(
        session,
        course,
        lesson_uuid,
        form.file,
        title=_text(form.title, "title"),
        description=_text(form.description, "description"),
        is_downloadable=form.is_downloadable,
    )
    return ResourceOut.model_validate(resource)


@router.delete(
    "/lessons/{lesson_uuid}/resources/{resource_id}",
    status_code=204,
    summary="Delete a resource",
    responses=READ,
)
async def delete_resource(
    lesson_uuid: UUID, resource_id: ItemId, session: SessionDep, course: EditableCourse
) -> Response:
    await files.delete_resource(session, course, lesson_uuid, resource_id)
    return Response(status_code=204)


@router.get(
    "/lessons/{lesson_uuid}/resources/{resource_id}/download",
    response_class=StreamingResponse,
    summary="Download a resource",
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file."},
        **READ,
    },
)
async def download_resource(
    lesson_uuid: UUID, resource_id: ItemId, session: SessionDep, course: EditableCourse
) -> StreamingResponse:
    """Streams the file and counts the download, for the course's owner, co-instructors and
    admins (learners download through /learn)."""
    return attachment(await files.download_resource(session, course, lesson_uuid, resource_id))


# -- subtitle tracks --------------------------------------------------------------------------


@router.get(
    "/lessons/{lesson_uuid}/tracks",
    response_model=Page[TrackOut],
    summary="A lesson's subtitle tracks",
    responses=READ,
)
async def list_tracks(
    lesson_uuid: UUID,
    session: SessionDep,
    course: EditableCourse,
    params: PageParams = Depends(page_params),
) -> Page[TrackOut]:
    rows, meta = await files.list_tracks(session, course, lesson_uuid, params)
    return Page(items=[TrackOut.model_validate(t) for t in rows], meta=meta)


@router.post(
    "/lessons/{lesson_uuid}/tracks",
    response_model=TrackOut,
    status_code=201,
    summary="Upload a WebVTT track",
    responses=problem_responses(401, 403, 404, 413, 422),
)
async def add_track(
    lesson_uuid: UUID,
    session: SessionDep,
    course: EditableCourse,
    form: Annotated[TrackUpload, Form(media_type="multipart/form-data")],
) -> TrackOut:
    """For video and audio lessons. A new default track unsets the previous default of the
    same language."""
    track = await files.add_track(
        session,
        course,
        lesson_uuid,
        form.file,
        language=form.language,
        label=_required(form.label, "label"),
        kind=form.kind,
        is_default=form.is_default,
    )
    return TrackOut.model_validate(track)


@router.delete(
    "/lessons/{lesson_uuid}/tracks/{track_id}",
    status_code=204,
    summary="Delete a subtitle track",
    responses=READ,
)
async def delete_track(
    lesson_uuid: UUID, track_id: ItemId, session: SessionDep, course: EditableCourse
) -> Response:
    await files.delete_track(session, course, lesson_uuid, track_id)
    return Response(status_code=204)


def _required(value: str, field: str) -> str:
    text = _text(value, field)
    if text is None:
        raise InvalidInput("must not be blank", field=field)
    return text


def _text(value: str | None, field: str) -> str | None:
    """Form text trimmed, empty as None, NUL refused (form fields skip the Input model)."""
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidInput("must not contain NUL characters", field=field)
    return value.strip() or None
