"""HTTP routes of the media domain.

An author (approved instructor or admin) uploads files to their library; everyone sees
and manages only their own items (admins: anyone's). The type of a file is sniffed from its
content. Responses carry ``file_url`` (download with the same credentials), never the
storage path. DELETE is a soft delete that keeps the stored file until a purge.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Path, Query, Response
from fastapi.responses import StreamingResponse

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.media import service
from lectern.media.schemas import ListSort, MediaOut, MediaUpdate, MediaUpload
from lectern.models import MediaType
from lectern.security.dependencies import CurrentActor, CurrentUser

router = ApiRouter(prefix="/media", tags=["media"])

MediaUuid = Annotated[uuid.UUID, Path(description="The media item's uuid.")]

# Shown in the browser; anything else (documents) is offered as a download.
INLINE_TYPES = (MediaType.IMAGE, MediaType.VIDEO, MediaType.AUDIO)


@router.post(
    "",
    status_code=201,
    response_model=MediaOut,
    summary="Upload a file to my media library",
    description=(
        "Images (JPEG, PNG, GIF, WebP), documents (PDF, Word, Excel, PowerPoint, "
        "OpenDocument), video (MP4, WebM, QuickTime) and audio (MP3, Ogg, WAV, M4A). "
        "The type is read from the content; other types are refused with 415, files above "
        "the `uploads.max_file_mb` setting with 413, unreadable or oversized images with 422."
    ),
    responses=problem_responses(401, 403, 413, 415, 422),
)
async def upload_media(
    session: SessionDep,
    user: CurrentUser,
    form: Annotated[MediaUpload, Form(media_type="multipart/form-data")],
) -> MediaOut:
    media = await service.upload(
        session,
        user,
        form.file,
        name=form.name,
        alt_text=form.alt_text,
        caption=form.caption,
    )
    return MediaOut.model_validate(media)


@router.get(
    "",
    response_model=Page[MediaOut],
    summary="List my media library (an admin: anyone's)",
    responses=problem_responses(401, 403, 404),
)
async def list_media(
    session: SessionDep,
    user: CurrentUser,
    params: PageParams = Depends(page_params),
    owner: uuid.UUID | None = Query(
        None, alias="user", description="Admins: the uuid of the user whose library to list."
    ),
    type: MediaType | None = Query(None, description="Only items of this type."),
    q: str | None = Query(None, min_length=1, max_length=100, description="Part of the name."),
    sort: ListSort = Query("-created_at", description="A field, '-' for descending."),
) -> Page[MediaOut]:
    items, meta = await service.list_media(
        session, user, params, owner=owner, type=type, search=q, sort=sort
    )
    return Page[MediaOut](items=[MediaOut.model_validate(m) for m in items], meta=meta)


@router.get(
    "/{media_uuid}",
    response_model=MediaOut,
    summary="One item of my media library",
    responses=problem_responses(401, 404),
)
async def get_media(session: SessionDep, user: CurrentUser, media_uuid: MediaUuid) -> MediaOut:
    return MediaOut.model_validate(await service.get_media(session, user, media_uuid))


@router.patch(
    "/{media_uuid}",
    response_model=MediaOut,
    summary="Rename or describe a media item",
    responses=problem_responses(401, 404, 422),
)
async def update_media(
    session: SessionDep,
    actor: CurrentActor,
    media_uuid: MediaUuid,
    data: MediaUpdate,
) -> MediaOut:
    media = await service.update_media(session, actor, media_uuid, data)
    return MediaOut.model_validate(media)


@router.delete(
    "/{media_uuid}",
    status_code=204,
    summary="Delete a media item (the stored file is kept until a purge)",
    responses=problem_responses(401, 404),
)
async def delete_media(session: SessionDep, actor: CurrentActor, media_uuid: MediaUuid) -> Response:
    await service.delete_media(session, actor, media_uuid)
    return Response(status_code=204)


@router.get(
    "/{media_uuid}/file",
    response_class=StreamingResponse,
    summary="Download a media item's file",
    responses={
        200: {
            "description": "The file, with the type sniffed at upload.",
            "content": {
                mime_type: {"schema": {"type": "string", "format": "binary"}}
                for mime_type in sorted(service.ALLOWED)
            },
        },
        **problem_responses(401, 404),
    },
)
async def download_media(
    session: SessionDep, user: CurrentUser, media_uuid: MediaUuid
) -> StreamingResponse:
    stored = await service.open_file(session, user, media_uuid)
    media = stored.media
    disposition = "inline" if media.type in INLINE_TYPES else "attachment"
    return StreamingResponse(
        stored.chunks,
        media_type=media.mime_type or "application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(disposition, media.file_name),
            "Content-Length": str(media.size),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


def content_disposition(disposition: str, file_name: str) -> str:
    """``inline``/``attachment`` with an ASCII fallback name and the exact UTF-8 one."""
    fallback = (
        "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in file_name).strip()
        or "download"
    )
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
