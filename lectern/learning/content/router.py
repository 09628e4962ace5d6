"""HTTP routes of the learner's side of a course: the outline with each item's state, a
lesson's content for the player, its resources and subtitle files.

The outline needs a signed-in user entitled to the course (enrolled and live, or staff).
Lessons, resources and subtitles of free-preview lessons are open to anyone; the others
answer 401 to anonymous callers, 403 with a code to users without access (``not_enrolled``,
``enrollment_expired`` / ``_refunded`` / ``_suspended``, ``lesson_locked``). Courses the
caller may not see, and lessons that are not published lessons of this course, are 404s.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path
from fastapi.responses import StreamingResponse

from lectern.curriculum.schemas import MAX_ID
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.downloads import attachment
from lectern.kit.routing import ApiRouter
from lectern.learning.content import service
from lectern.learning.content.schemas import LessonContentOut, OutlineOut
from lectern.security.dependencies import CurrentUser, OptionalUser

router = ApiRouter(prefix="/learn", tags=["learning"])

ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
READ = problem_responses(401, 403, 404)


@router.get(
    "/{course_uuid}",
    response_model=OutlineOut,
    summary="The course outline for the learner",
    responses=READ,
)
async def get_outline(course_uuid: UUID, session: SessionDep, user: CurrentUser) -> OutlineOut:
    """Published sections and lessons in order, each `available`, `completed` or `locked`
    (with `lock`: `reason` — `drip_schedule`, `after_section`, `after_lesson`,
    `locked_by_instructor` — and `unlocks_at`, `after_lesson` (uuid), `after_section` (id)),
    the enrollment's progress and the next lesson to take. For enrolled students with a live
    enrollment and for the course's staff (who see everything available); anyone else gets
    403 `not_enrolled` or `enrollment_expired|refunded|suspended` (an enrollment found past
    its end turns `expired`)."""
    return await service.outline(session, user, course_uuid)


@router.get(
    "/{course_uuid}/lessons/{lesson_uuid}",
    response_model=LessonContentOut,
    summary="A lesson's content for the player",
    responses=READ,
)
async def get_lesson(
    course_uuid: UUID, lesson_uuid: UUID, session: SessionDep, user: OptionalUser
) -> LessonContentOut:
    """The content for the lesson's type (`content` HTML, `video`, `audio`, `document`,
    `embed_code`), its subtitle `tracks` and `resources` with their URLs, the caller's
    `progress` to resume from, and the previous / next lesson. Free previews are open to
    anyone; other lessons need an entitled user (401 anonymous, 403 otherwise) and answer
    403 `lesson_locked` while drip or a condition holds them (with `reason`, `unlocks_at`,
    `after_lesson`, `after_section`). Counts a view; for an enrolled user also their
    lesson's views and the enrollment's last access."""
    return await service.lesson_content(session, user, course_uuid, lesson_uuid)


@router.get(
    "/{course_uuid}/lessons/{lesson_uuid}/resources/{resource_id}",
    response_class=StreamingResponse,
    summary="Download a lesson's resource",
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file."},
        **READ,
    },
)
async def download_resource(
    course_uuid: UUID,
    lesson_uuid: UUID,
    resource_id: ItemId,
    session: SessionDep,
    user: OptionalUser,
) -> StreamingResponse:
    """To whoever may open the lesson; 403 `not_downloadable` when downloads of the resource
    are off. Counts the download."""
    download = await service.resource_download(session, user, course_uuid, lesson_uuid, resource_id)
    return attachment(download, {"Cache-Control": "private, no-store"})


@router.get(
    "/{course_uuid}/lessons/{lesson_uuid}/tracks/{track_id}",
    response_class=StreamingResponse,
    summary="A subtitle track (WebVTT)",
    responses={200: {"content": {"text/vtt": {}}, "description": "The WebVTT file."}, **READ},
)
async def get_track(
    course_uuid: UUID,
    lesson_uuid: UUID,
    track_id: ItemId,
    session: SessionDep,
    user: OptionalUser,
) -> StreamingResponse:
    """To whoever may open the lesson, as `text/vtt`."""
    chunks = await service.track_file(session, user, course_uuid, lesson_uuid, track_id)
    return StreamingResponse(
        chunks,
        media_type=service.VTT_MEDIA_TYPE,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
