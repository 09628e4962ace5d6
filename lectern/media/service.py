"""The media library's rules: accepting uploads, listing, describing and removing files.

Deleting is a soft delete: the row gets ``deleted_at`` and disappears from every list and
lookup, but the stored file stays, because pages, courses and lessons may embed it by its
URL and an admin may restore it. A purge (not written yet) removes both, later.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import UploadFile
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.config import storage_settings
from lectern.errors import InvalidInput, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.storage import new_key, storage
from lectern.kit.types import utcnow
from lectern.kit.uploads import Upload, accept_upload
from lectern.media import policy
from lectern.media.schemas import ListSort, MediaUpdate
from lectern.models import Media, MediaType, User
from lectern.platform import service as settings_service
from lectern.platform.activity import ADMIN, log_activity
from lectern.security.actor import Actor

DISK = "local"
DEFAULT_MAX_FILE_MB = 512
# Images with more pixels than this are refused (422) before anything decodes them:
# a small compressed file can otherwise expand to gigabytes in memory.
MAX_IMAGE_PIXELS = 50_000_000

# The accepted types, sniffed from the content, and what each one is in the library.
# Pillow's format name for each image type: the sniffed type and Pillow's reading must agree.
IMAGE_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
KINDS: dict[str, MediaType] = {
    **dict.fromkeys(IMAGE_FORMATS, MediaType.IMAGE),
    **dict.fromkeys(
        (
            "application/pdf",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
        ),
        MediaType.DOCUMENT,
    ),
    **dict.fromkeys(("video/mp4", "video/webm", "video/quicktime"), MediaType.VIDEO),
    **dict.fromkeys(("audio/mpeg", "audio/ogg", "audio/x-wav", "audio/mp4"), MediaType.AUDIO),
}
ALLOWED = frozenset(KINDS)

_SORTS: dict[str, tuple[Any, ...]] = {
    "-created_at": (Media.created_at.desc(), Media.id.desc()),
    "created_at": (Media.created_at.asc(), Media.id.asc()),
    "name": (Media.name.asc(), Media.id.asc()),
    "-name": (Media.name.desc(), Media.id.desc()),
    "size": (Media.size.asc(), Media.id.asc()),
    "-size": (Media.size.desc(), Media.id.desc()),
}


# -- uploading -------------------------------------------------------------------------------


async def max_upload_bytes(session: AsyncSession) -> int:
    """The per-file limit: the platform setting, never above what the server reads at all."""
    value = await settings_service.get_value(session, "uploads.max_file_mb", DEFAULT_MAX_FILE_MB)
    megabytes = value if isinstance(value, int) and not isinstance(value, bool) else 0
    if megabytes <= 0:
        megabytes = DEFAULT_MAX_FILE_MB
    return min(megabytes * 1024 * 1024, storage_settings().max_upload_bytes)


def image_size(content: bytes, mime_type: str) -> tuple[int, int]:
    """(width, height) of an image Pillow reads as the sniffed format, else a 422.

    Only the header is parsed (and the chunks checked by ``verify``); the pixels are never
    decoded, and images above MAX_IMAGE_PIXELS are refused."""
    try:
        with Image.open(io.BytesIO(content), formats=[IMAGE_FORMATS[mime_type]]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise InvalidInput(
                    f"the image is {width}x{height} pixels; at most {MAX_IMAGE_PIXELS} "
                    "pixels are accepted",
                    field="file",
                    code="image_too_large",
                )
            image.verify()
    except Image.DecompressionBombError:
        raise InvalidInput(
            f"the image has more than {MAX_IMAGE_PIXELS} pixels",
            field="file",
            code="image_too_large",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise InvalidInput(
            "the image cannot be read", field="file", code="unreadable_image"
        ) from None
    return width, height


async def upload(
    session: AsyncSession,
    user: User,
    file: UploadFile,
    *,
    name: str | None,
    alt_text: str | None,
    caption: str | None,
) -> Media:
    """Check, store and record an uploaded file (403, 413, 415, 422)."""
    await policy.require_uploader(session, user)
    accepted: Upload = await accept_upload(
        file, max_bytes=await max_upload_bytes(session), allowed=ALLOWED
    )
    kind = KINDS[accepted.mime_type]
    width = height = None
    if kind is MediaType.IMAGE:
        width, height = await asyncio.to_thread(image_size, accepted.content, accepted.mime_type)
    key = new_key("media", accepted.extension)
    files = storage()
    await files.save(key, accepted.content)
    media = Media(
        user_id=user.id,
        name=name or accepted.file_name,
        file_name=accepted.file_name,
        file_path=key,
        disk=DISK,
        mime_type=accepted.mime_type,
        size=accepted.size,
        type=kind,
        width=width,
        height=height,
        alt_text=alt_text,
        caption=caption,
    )
    session.add(media)
    try:
        await session.flush()
    except BaseException:
        await files.delete(key)  # no row points at it: don't leave it behind
        raise
    return media


# -- reading ---------------------------------------------------------------------------------


async def list_media(
    session: AsyncSession,
    user: User,
    params: PageParams,
    *,
    owner: uuid.UUID | None = None,
    type: MediaType | None = None,
    search: str | None = None,
    sort: ListSort = "-created_at",
) -> tuple[list[Media], PageMeta]:
    """One library's items (the caller's own, or ``owner``'s for an admin), newest first."""
    policy.check_list_owner(user, owner)
    owner_id = user.id
    if owner is not None and owner != user.uuid:
        found = await session.scalar(select(User.id).where(User.uuid == owner))
        if found is None:
            raise NotFound("no such user")
        owner_id = found
    statement: Select[Any] = select(Media).where(
        Media.user_id == owner_id, Media.deleted_at.is_(None)
    )
    if type is not None:
        statement = statement.where(Media.type == type)
    if search:
        statement = statement.where(Media.name.icontains(search, autoescape=True))
    return await paginate(session, statement.order_by(*_SORTS[sort]), params)


async def get_media(session: AsyncSession, user: User, media_uuid: uuid.UUID) -> Media:
    """The item, if ``user`` may see it; else 404."""
    media = await session.scalar(
        select(Media).where(Media.uuid == media_uuid, policy.visible_to(user))
    )
    if media is None:
        raise NotFound("no such media")
    return media


@dataclass(frozen=True)
class StoredFile:
    media: Media
    chunks: AsyncIterator[bytes]


async def open_file(session: AsyncSession, user: User, media_uuid: uuid.UUID) -> StoredFile:
    """The item and its content, streamed; 404 when the file is missing from storage."""
    media = await get_media(session, user, media_uuid)
    files = storage()
    if not await files.exists(media.file_path):
        raise NotFound("the file of this media is missing", code="file_missing")
    return StoredFile(media=media, chunks=files.open(media.file_path))


# -- changing --------------------------------------------------------------------------------


async def update_media(
    session: AsyncSession,
    actor: Actor,
    media_uuid: uuid.UUID,
    data: MediaUpdate,
) -> Media:
    user = actor.user
    media = await get_media(session, user, media_uuid)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(media, field, value)
    if changes and policy.acts_as_admin(user, media):
        log_activity(
            session,
            log_name=ADMIN,
            event="media.updated",
            description=f"Updated media {media.uuid}",
            causer=user,
            subject=media,
            properties={"fields": sorted(changes)},
            client=actor.client,
        )
    await session.flush()
    await session.refresh(media)
    return media


async def delete_media(session: AsyncSession, actor: Actor, media_uuid: uuid.UUID) -> None:
    """Soft delete: the row is hidden, the stored file is kept until a purge."""
    user = actor.user
    media = await get_media(session, user, media_uuid)
    media.deleted_at = utcnow()
    if policy.acts_as_admin(user, media):
        log_activity(
            session,
            log_name=ADMIN,
            event="media.deleted",
            description=f"Deleted media {media.uuid}",
            causer=user,
            subject=media,
            client=actor.client,
        )
    await session.flush()
