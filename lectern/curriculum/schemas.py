"""Request and response bodies of the curriculum: sections, lessons, resources, tracks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import UploadFile
from pydantic import AfterValidator, Field, StringConstraints

from lectern.curriculum.content import (
    has_https_iframe,
    is_http_url,
    sanitize_embed,
)
from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Instant, Output, Patch, UploadForm
from lectern.models import CourseSectionDripType, LessonDripType, LessonType, VideoTrackKind

MAX_ID = 2**63 - 1
MAX_SECONDS = 10**7  # about 115 days: longer than any lesson
MAX_DRIP_DAYS = 3650


def _http_url(value: str) -> str:
    if not is_http_url(value):
        raise ValueError("must be an absolute http(s) URL")
    return value


def _embed(value: str) -> str:
    clean = sanitize_embed(value)
    if not has_https_iframe(clean):
        raise ValueError("must contain an <iframe> whose src is an https URL")
    return clean


HttpUrl = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_http_url)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
HtmlText = Annotated[RichText, StringConstraints(max_length=500_000)]
EmbedCode = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_embed)]
Seconds = Annotated[int, Field(ge=0, le=MAX_SECONDS)]
DripDays = Annotated[int, Field(ge=0, le=MAX_DRIP_DAYS)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A language tag: en, pt-BR ...
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
Provider = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")]
Quality = Annotated[str, StringConstraints(min_length=1, max_length=16)]


# -- sections ---------------------------------------------------------------------------------


class SectionCreate(Input):
    title: Title
    description: LongText | None = None
    is_published: bool = True
    drip_enabled: bool = False
    drip_type: CourseSectionDripType | None = None
    drip_days: DripDays | None = None
    drip_date: Instant | None = None
    drip_after_section_id: RowId | None = Field(
        None, description="Another section of the same course (after_section drip)."
    )


class SectionUpdate(Patch):
    title: Title | None = None
    description: LongText | None = None
    is_published: bool | None = None
    drip_enabled: bool | None = None
    drip_type: CourseSectionDripType | None = None
    drip_days: DripDays | None = None
    drip_date: Instant | None = None
    drip_after_section_id: RowId | None = None

    not_null = ("title", "is_published", "drip_enabled")


class SectionReorder(Input):
    section_ids: list[RowId] = Field(
        max_length=1000, description="Every section of the course, once each, in the new order."
    )


class LessonSummary(Output):
    uuid: UUID
    title: str
    type: LessonType
    order: int
    duration_seconds: int
    is_free: bool
    is_published: bool
    drip_enabled: bool


class SectionOut(Output):
    id: int
    title: str
    description: str | None
    order: int
    is_published: bool
    duration_minutes: int
    drip_enabled: bool
    drip_type: CourseSectionDripType | None
    drip_days: int | None
    drip_date: datetime | None
    drip_after_section_id: int | None
    created_at: datetime
    updated_at: datetime
    lessons: list[LessonSummary]


class SectionList(Output):
    items: list[SectionOut]


# -- lessons ----------------------------------------------------------------------------------


class _LessonFields(Input):
    description: LongText | None = None
    content: HtmlText | None = Field(None, description="HTML; sanitised (no scripts, handlers).")
    video_url: HttpUrl | None = None
    video_provider: Provider | None = None
    video_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    video_thumbnail: HttpUrl | None = None
    video_qualities: dict[Quality, HttpUrl] | None = Field(None, max_length=10)
    audio_url: HttpUrl | None = None
    audio_duration: Seconds | None = None
    document_url: HttpUrl | None = None
    document_type: Annotated[str, StringConstraints(max_length=100)] | None = None
    embed_code: EmbedCode | None = Field(
        None, description="An iframe with an https src; anything else is stripped."
    )
    drip_type: LessonDripType | None = None
    drip_days: DripDays | None = None
    drip_date: Instant | None = None
    drip_after_lesson: UUID | None = Field(
        None, description="Another lesson of the same course (after_lesson drip)."
    )


class LessonCreate(_LessonFields):
    title: Title
    type: LessonType = LessonType.VIDEO
    duration_seconds: Seconds = 0
    is_free: bool = False
    is_published: bool = True
    is_downloadable: bool = False
    is_prerequisite: bool = False
    is_locked: bool = False
    drip_enabled: bool = False


class LessonUpdate(_LessonFields, Patch):
    title: Title | None = None
    type: LessonType | None = None
    duration_seconds: Seconds | None = None
    is_free: bool | None = None
    is_published: bool | None = None
    is_downloadable: bool | None = None
    is_prerequisite: bool | None = None
    is_locked: bool | None = None
    drip_enabled: bool | None = None

    not_null = (
        "title",
        "type",
        "duration_seconds",
        "is_free",
        "is_published",
        "is_downloadable",
        "is_prerequisite",
        "is_locked",
        "drip_enabled",
    )


class LessonReorder(Input):
    lesson_uuids: list[UUID] = Field(
        max_length=1000, description="Every lesson of the section, once each, in the new order."
    )


class LessonMove(Input):
    section_id: RowId = Field(description="The target section, in the same course.")
    position: Annotated[int, Field(ge=0, le=100_000)] | None = Field(
        None, description="0-based place in the target section; the end when left out."
    )


class LessonOut(Output):
    uuid: UUID
    section_id: int
    title: str
    description: str | None
    content: str | None
    order: int
    type: LessonType
    video_url: str | None
    video_provider: str | None
    video_id: str | None
    duration_seconds: int
    video_thumbnail: str | None
    video_qualities: dict[str, Any] | None
    audio_url: str | None
    audio_duration: int | None
    document_url: str | None
    document_type: str | None
    embed_code: str | None
    is_free: bool
    is_published: bool
    is_downloadable: bool
    is_prerequisite: bool
    is_locked: bool
    drip_enabled: bool
    drip_type: LessonDripType | None
    drip_days: int | None
    drip_date: datetime | None
    drip_after_lesson: UUID | None
    created_at: datetime
    updated_at: datetime


# -- resources and tracks ---------------------------------------------------------------------


class ResourceOut(Output):
    id: int
    title: str
    description: str | None
    file_name: str
    file_type: str | None
    file_size: int
    is_downloadable: bool
    order: int
    download_count: int
    created_at: datetime


class TrackOut(Output):
    id: int
    language: str
    label: str
    kind: VideoTrackKind
    is_default: bool
    created_at: datetime


class ResourceUpload(UploadForm):
    """The multipart form of a resource's upload."""

    file: UploadFile = Field(description="PDF, zip, image, audio, video or office file.")
    title: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    is_downloadable: bool = True


class TrackUpload(UploadForm):
    """The multipart form of a subtitle track's upload."""

    file: UploadFile = Field(description="A WebVTT file (UTF-8).")
    language: str = Field(max_length=12, pattern=LANGUAGE, examples=["en", "pt-BR"])
    label: str = Field(min_length=1, max_length=255)
    kind: VideoTrackKind = VideoTrackKind.SUBTITLES
    is_default: bool = False
