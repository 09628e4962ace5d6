"""Sections, lessons, resources and subtitles (spec module 4, Course Curriculum; step 4)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    counter,
    fk,
    flag,
)
from lectern.models.courses import Course


class CourseSectionDripType(enum.StrEnum):
    DAYS_AFTER_ENROLLMENT = "days_after_enrollment"
    DATE = "date"
    AFTER_SECTION = "after_section"


class LessonType(enum.StrEnum):
    VIDEO = "video"
    TEXT = "text"
    AUDIO = "audio"
    DOCUMENT = "document"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"
    LIVE_CLASS = "live_class"
    EMBED = "embed"
    SCORM = "scorm"


class LessonDripType(enum.StrEnum):
    DAYS_AFTER_ENROLLMENT = "days_after_enrollment"
    DATE = "date"
    AFTER_LESSON = "after_lesson"


class VideoTrackKind(enum.StrEnum):
    SUBTITLES = "subtitles"
    CAPTIONS = "captions"
    DESCRIPTIONS = "descriptions"


class CourseSection(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "course_sections"
    __table_args__ = (
        # The curriculum of a course, in order.
        Index(None, "course_id", "order"),
        CheckConstraint("duration_minutes >= 0", name="duration_minutes_not_negative"),
    )

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Visibility to students is governed by the course's status; this hides one section.
    is_published: Mapped[bool] = flag(True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Drip: the section opens N days after enrolment, on a date, or after another section.
    drip_enabled: Mapped[bool] = flag(False)
    drip_type: Mapped[CourseSectionDripType | None] = choice(CourseSectionDripType, nullable=True)
    drip_days: Mapped[int | None] = mapped_column(Integer)
    drip_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SET NULL: deleting the prerequisite section removes the condition, not this section.
    drip_after_section_id: Mapped[int | None] = fk(
        "course_sections.id", ondelete="SET NULL", nullable=True
    )

    course: Mapped[Course] = relationship(back_populates="sections", lazy="raise")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="section",
        order_by="Lesson.order",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class Lesson(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "lessons"
    __table_args__ = (
        # The lessons of a section, in order.
        Index(None, "section_id", "order"),
        CheckConstraint("duration_seconds >= 0", name="duration_seconds_not_negative"),
        CheckConstraint("audio_duration >= 0", name="audio_duration_not_negative"),
    )

    # Both CASCADE: a lesson belongs to its section, and course_id (denormalised for
    # course-wide queries) must equal the section's course_id; the service keeps them equal.
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    section_id: Mapped[int] = fk("course_sections.id", ondelete="CASCADE", index=False)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    type: Mapped[LessonType] = choice(LessonType, LessonType.VIDEO, index=True)

    # Video
    video_url: Mapped[str | None] = mapped_column(String(2048))
    # Hosting of the video: youtube, vimeo, wistia, self_hosted ... (open set, not an enum).
    video_provider: Mapped[str | None] = mapped_column(String(32))
    # The video's id at its provider.
    video_id: Mapped[str | None] = mapped_column(String(255))
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    video_thumbnail: Mapped[str | None] = mapped_column(String(2048))
    # Quality label -> URL, e.g. {"720p": "...", "1080p": "..."}.
    video_qualities: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    # Other media
    audio_url: Mapped[str | None] = mapped_column(String(2048))
    # Seconds; NULL when the lesson has no audio.
    audio_duration: Mapped[int | None] = mapped_column(Integer)
    document_url: Mapped[str | None] = mapped_column(String(2048))
    # A file extension or MIME type, e.g. "pdf" or "application/pdf".
    document_type: Mapped[str | None] = mapped_column(String(100))
    embed_code: Mapped[str | None] = mapped_column(Text)

    # Settings
    is_free: Mapped[bool] = flag(False)  # a free preview for visitors who are not enrolled
    is_published: Mapped[bool] = flag(True)
    is_downloadable: Mapped[bool] = flag(False)
    is_prerequisite: Mapped[bool] = flag(False)
    is_locked: Mapped[bool] = flag(False)

    # Drip
    drip_enabled: Mapped[bool] = flag(False)
    drip_type: Mapped[LessonDripType | None] = choice(LessonDripType, nullable=True)
    drip_days: Mapped[int | None] = mapped_column(Integer)
    drip_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SET NULL: deleting the prerequisite lesson removes the condition, not this lesson.
    drip_after_lesson_id: Mapped[int | None] = fk("lessons.id", ondelete="SET NULL", nullable=True)

    # Statistics
    total_views: Mapped[int] = counter()
    total_completions: Mapped[int] = counter()

    course: Mapped[Course] = relationship(back_populates="lessons", lazy="raise")
    section: Mapped[CourseSection] = relationship(back_populates="lessons", lazy="raise")
    resources: Mapped[list[LessonResource]] = relationship(
        back_populates="lesson",
        order_by="LessonResource.order",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )
    tracks: Mapped[list[VideoTrack]] = relationship(
        back_populates="lesson",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class LessonResource(IdMixin, TimestampMixin, Base):
    """A file attached to a lesson (slides, source code, worksheets)."""

    __tablename__ = "lesson_resources"
    __table_args__ = (
        Index(None, "lesson_id", "order"),
        CheckConstraint("file_size >= 0", name="file_size_not_negative"),
    )

    lesson_id: Mapped[int] = fk("lessons.id", ondelete="CASCADE", index=False)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    file_path: Mapped[str] = mapped_column(String(1024))
    # The original file name, offered when downloading.
    file_name: Mapped[str] = mapped_column(String(255))
    # A MIME type, e.g. "application/pdf".
    file_type: Mapped[str | None] = mapped_column(String(100))
    # Bytes.
    file_size: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    is_downloadable: Mapped[bool] = flag(True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    download_count: Mapped[int] = counter()

    lesson: Mapped[Lesson] = relationship(back_populates="resources", lazy="raise")


class VideoTrack(IdMixin, TimestampMixin, Base):
    """A WebVTT text track of a lesson's video (subtitles, captions, descriptions)."""

    __tablename__ = "video_tracks"

    lesson_id: Mapped[int] = fk("lessons.id", ondelete="CASCADE")
    # A language code such as "en" or "pt-BR".
    language: Mapped[str] = mapped_column(String(12))
    # The name shown in the player's track menu, e.g. "English (CC)".
    label: Mapped[str] = mapped_column(String(255))
    file_path: Mapped[str] = mapped_column(String(1024))
    kind: Mapped[VideoTrackKind] = choice(VideoTrackKind, VideoTrackKind.SUBTITLES)
    is_default: Mapped[bool] = flag(False)

    lesson: Mapped[Lesson] = relationship(back_populates="tracks", lazy="raise")
