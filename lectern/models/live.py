"""Live classes and their registrations (spec §17, migration step 17)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import UTCDateTime
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
    money,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class LiveClassPlatform(enum.StrEnum):
    ZOOM = "zoom"
    GOOGLE_MEET = "google_meet"
    YOUTUBE_LIVE = "youtube_live"
    VIMEO = "vimeo"
    CUSTOM = "custom"


class LiveClassStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


class LiveRegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"


class LiveClass(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A scheduled live session, part of a course or (course_id null) standalone."""

    __tablename__ = "live_classes"
    __table_args__ = (Index(None, "course_id", "scheduled_at"),)

    course_id: Mapped[int | None] = fk("courses.id", ondelete="CASCADE", nullable=True, index=False)
    # The lesson (type live_class) that presents the session; the session survives the lesson.
    lesson_id: Mapped[int | None] = fk("lessons.id", ondelete="SET NULL", nullable=True)
    # The host. CASCADE: a host's own sessions go with the account.
    instructor_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    thumbnail: Mapped[str | None] = mapped_column(String(1024))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    # The IANA zone the session is announced in (scheduled_at itself is UTC).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    platform: Mapped[LiveClassPlatform] = choice(LiveClassPlatform, LiveClassPlatform.ZOOM)
    meeting_id: Mapped[str | None] = mapped_column(String(255))
    meeting_password: Mapped[str | None] = mapped_column(String(255))
    meeting_url: Mapped[str | None] = mapped_column(String(2048))
    host_url: Mapped[str | None] = mapped_column(String(2048))
    recording_url: Mapped[str | None] = mapped_column(String(2048))
    is_free: Mapped[bool] = flag(False)
    # Null: no separate price (included with the course).
    price: Mapped[Decimal | None] = money(None, nullable=True)
    # Null: no limit.
    max_attendees: Mapped[int | None] = mapped_column(Integer)
    enable_chat: Mapped[bool] = flag(True)
    enable_qa: Mapped[bool] = flag(True)
    enable_recording: Mapped[bool] = flag(False)
    enable_replay: Mapped[bool] = flag(False)
    status: Mapped[LiveClassStatus] = choice(LiveClassStatus, LiveClassStatus.SCHEDULED, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_count: Mapped[int] = counter()
    attended_count: Mapped[int] = counter()
    peak_viewers: Mapped[int] = counter()
    # iCalendar's SEQUENCE: raised by every change of time, so calendars replace the event.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    instructor: Mapped[User] = relationship(lazy="raise")
    registrations: Mapped[list[LiveClassRegistration]] = relationship(
        back_populates="live_class",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class LiveClassRegistration(IdMixin, TimestampMixin, Base):
    __tablename__ = "live_class_registrations"
    __table_args__ = (UniqueConstraint("live_class_id", "user_id"),)

    live_class_id: Mapped[int] = fk("live_classes.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    attended: Mapped[bool] = flag(False)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds spent in the session.
    watch_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A seat, or a place in the waitlist (by id: first come, first seated).
    status: Mapped[LiveRegistrationStatus] = choice(
        LiveRegistrationStatus, LiveRegistrationStatus.REGISTERED
    )
    # The reminder a day before; final_reminder_sent, the one an hour before.
    reminder_sent: Mapped[bool] = flag(False)
    final_reminder_sent: Mapped[bool] = flag(False)

    live_class: Mapped[LiveClass] = relationship(back_populates="registrations", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")
