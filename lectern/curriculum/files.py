"""The files of a lesson: downloadable resources and subtitle tracks, stored through the file
storage and removed from it by a job once their row is gone. Flushes, never commits."""

from __future__ import annotations

import uuid

from fastapi import UploadFile
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.curriculum.content import WebVTTError, parse_webvtt
from lectern.curriculum.service import get_lesson, renumber
from lectern.curriculum.tasks import delete_stored_file
from lectern.curriculum.totals import refresh_totals
from lectern.errors import InvalidInput, NotFound
from lectern.kit.downloads import Download
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.storage import new_key, storage
from lectern.kit.uploads import accept_upload, read_upload
from lectern.models import (
    Course,
    LessonResource,
    LessonType,
    VideoTrack,
    VideoTrackKind,
)
from lectern.platform.service import get_value

# What a lesson resource may be, as sniffed from its content.
RESOURCE_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/heic",
        "image/bmp",
        "image/tiff",
        "audio/",
        "video/",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/rtf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
# Subtitles belong to lessons that play something.
TRACK_LESSON_TYPES = frozenset({LessonType.VIDEO, LessonType.AUDIO})


async def max_upload_bytes(session: AsyncSession) -> int:
    megabytes = await get_value(session, "uploads.max_file_mb", 512)
    try:
        return max(int(megabytes), 0) * 1024 * 1024
    except (TypeError, ValueError):
        return 512 * 1024 * 1024


# -- resources -------------------------------------------------------------------------------


async def list_resources(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, params: PageParams
) -> tuple[list[LessonResource], PageMeta]:
    lesson = await get_lesson(session, course, lesson_uuid)
    statement = (
        select(LessonResource)
        .where(LessonResource.lesson_id == lesson.id)
        .order_by(LessonResource.order, LessonResource.id)
    )
    return await paginate(session, statement, params)


async def add_resource(
    session: AsyncSession,
    course: Course,
    lesson_uuid: uuid.UUID,
    file: UploadFile,
    *,
    title: str | None,
    description: str | None,
    is_downloadable: bool,
) -> LessonResource:
    """Store an uploaded file (size from uploads.max_file_mb → 413, sniffed type → 415)."""
    lesson = await get_lesson(session, course, lesson_uuid)
    upload = await accept_upload(
        file, max_bytes=await max_upload_bytes(session), allowed=RESOURCE_TYPES
    )
    count = await session.scalar(
        select(func.count(LessonResource.id)).where(LessonResource.lesson_id == lesson.id)
    )
    file_name = "".join(c for c in upload.file_name if c.isprintable()) or "file"
    key = new_key("resources", upload.extension)
    await storage().save(key, upload.content)
    resource = LessonResource(
        lesson_id=lesson.id,
        title=title or file_name,
        description=description,
        file_path=key,
        file_name=file_name,
        file_type=upload.mime_type,
        file_size=upload.size,
        is_downloadable=is_downloadable,
        order=int(count or 0),
    )
    session.add(resource)
    await refresh_totals(session, course.id)
    return resource


async def get_resource(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, resource_id: int
) -> LessonResource:
    lesson = await get_lesson(session, course, lesson_uuid)
    resource = await session.scalar(
        select(LessonResource).where(
            LessonResource.id == resource_id, LessonResource.lesson_id == lesson.id
        )
    )
    if resource is None:
        raise NotFound("no such resource on this lesson")
    return resource


async def delete_resource(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, resource_id: int
) -> None:
    """The row goes now; its file once the deletion is committed."""
    resource = await get_resource(session, course, lesson_uuid, resource_id)
    await session.delete(resource)
    await session.flush()
    remaining = await session.scalars(
        select(LessonResource)
        .where(LessonResource.lesson_id == resource.lesson_id)
        .order_by(LessonResource.order, LessonResource.id)
    )
    renumber(list(remaining))
    jobs.after_commit(session, delete_stored_file, key=resource.file_path)
    await refresh_totals(session, course.id)


async def download_resource(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, resource_id: int
) -> Download:
    """The file of a resource of the course's lesson, its download counted."""
    return await serve_resource(
        session, await get_resource(session, course, lesson_uuid, resource_id)
    )


async def serve_resource(session: AsyncSession, resource: LessonResource) -> Download:
    """The file of ``resource``, its download counted (atomic UPDATE); 404 ``file_missing``
    when storage has lost it."""
    files = storage()
    if not await files.exists(resource.file_path):
        raise NotFound("the resource's file is missing from storage", code="file_missing")
    await session.execute(
        update(LessonResource)
        .where(LessonResource.id == resource.id)
        .values(download_count=LessonResource.download_count + 1)
        .execution_options(synchronize_session=False)
    )
    return Download(
        file_name=resource.file_name,
        media_type=resource.file_type or "application/octet-stream",
        size=resource.file_size,
        chunks=files.open(resource.file_path),
    )


# -- subtitle tracks -------------------------------------------------------------------------


async def list_tracks(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, params: PageParams
) -> tuple[list[VideoTrack], PageMeta]:
    lesson = await get_lesson(session, course, lesson_uuid)
    statement = (
        select(VideoTrack)
        .where(VideoTrack.lesson_id == lesson.id)
        .order_by(VideoTrack.language, VideoTrack.id)
    )
    return await paginate(session, statement, params)


async def add_track(
    session: AsyncSession,
    course: Course,
    lesson_uuid: uuid.UUID,
    file: UploadFile,
    *,
    language: str,
    label: str,
    kind: VideoTrackKind,
    is_default: bool,
) -> VideoTrack:
    """A WebVTT file for a video or audio lesson; a new default unsets the language's old one."""
    lesson = await get_lesson(session, course, lesson_uuid)
    if lesson.type not in TRACK_LESSON_TYPES:
        raise InvalidInput("only video and audio lessons have subtitle tracks", field="lesson")
    content = await read_upload(file, max_bytes=await max_upload_bytes(session))
    try:
        parse_webvtt(content)
    except WebVTTError as exc:
        raise InvalidInput(f"not a valid WebVTT file: {exc}", field="file") from exc
    if is_default:
        await session.execute(
            update(VideoTrack)
            .where(
                VideoTrack.lesson_id == lesson.id,
                func.lower(VideoTrack.language) == language.lower(),
                VideoTrack.is_default.is_(True),
            )
            .values(is_default=False)
            .execution_options(synchronize_session=False)
        )
    key = new_key("tracks", "vtt")
    await storage().save(key, content)
    track = VideoTrack(
        lesson_id=lesson.id,
        language=language,
        label=label,
        kind=kind,
        is_default=is_default,
        file_path=key,
    )
    session.add(track)
    await session.flush()
    return track


async def delete_track(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, track_id: int
) -> None:
    lesson = await get_lesson(session, course, lesson_uuid)
    track = await session.scalar(
        select(VideoTrack).where(VideoTrack.id == track_id, VideoTrack.lesson_id == lesson.id)
    )
    if track is None:
        raise NotFound("no such track on this lesson")
    await session.delete(track)
    await session.flush()
    jobs.after_commit(session, delete_stored_file, key=track.file_path)
