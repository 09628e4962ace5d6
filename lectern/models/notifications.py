"""Notifications, notification preferences and announcements (spec §15, migration step 15)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import Index, SmallInteger, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    BigId,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    counter,
    fk,
    flag,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class AnnouncementType(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    SUCCESS = "success"
    DANGER = "danger"


class AnnouncementAudience(enum.StrEnum):
    ALL = "all"
    ENROLLED = "enrolled"
    SPECIFIC = "specific"


class Notification(TimestampMixin, Base):
    """A message to one user. The only table addressed by a uuid primary key (no integer id)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(None, "user_id", "read_at"),
        Index(None, "notifiable_type", "notifiable_id"),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid4, sort_order=-10)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    # The kind of notification (e.g. "course_updates", "qa_replies"); constraints.md gives no
    # value set, new kinds are added by the service layer.
    type: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(255))
    message: Mapped[str | None] = mapped_column(Text)
    icon: Mapped[str | None] = mapped_column(String(255))
    icon_color: Mapped[str | None] = mapped_column(String(32))
    action_url: Mapped[str | None] = mapped_column(String(2048))
    action_text: Mapped[str | None] = mapped_column(String(100))
    # The entity the notification is about (a course, an order, a reply ...); no FK.
    notifiable_type: Mapped[str | None] = mapped_column(String(50))
    notifiable_id: Mapped[int | None] = mapped_column(BigId)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailCadence(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class NotificationPreference(IdMixin, TimestampMixin, Base):
    """One row per user: which notifications they want, per channel."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False, unique=True)

    email_course_updates: Mapped[bool] = flag(True)
    email_new_lessons: Mapped[bool] = flag(True)
    email_announcements: Mapped[bool] = flag(True)
    email_promotions: Mapped[bool] = flag(False)
    email_qa_replies: Mapped[bool] = flag(True)
    email_review_replies: Mapped[bool] = flag(True)
    email_assignment_feedback: Mapped[bool] = flag(True)
    email_certificate_issued: Mapped[bool] = flag(True)

    push_course_updates: Mapped[bool] = flag(True)
    push_new_lessons: Mapped[bool] = flag(True)
    push_announcements: Mapped[bool] = flag(True)
    push_promotions: Mapped[bool] = flag(False)
    push_qa_replies: Mapped[bool] = flag(True)

    instructor_new_enrollments: Mapped[bool] = flag(True)
    instructor_new_reviews: Mapped[bool] = flag(True)
    instructor_new_questions: Mapped[bool] = flag(True)
    instructor_payout_updates: Mapped[bool] = flag(True)

    # E-mail at once, or gathered in a daily or weekly digest (sent_at: the last one).
    email_cadence: Mapped[EmailCadence] = choice(EmailCadence, EmailCadence.INSTANT)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # No push between these times of day (minutes after midnight, in the user's zone; the
    # end may be past midnight); what comes meanwhile is pushed as one when they end.
    quiet_hours_start: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_hours_end: Mapped[int | None] = mapped_column(SmallInteger)
    push_held_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PushSubscription(IdMixin, TimestampMixin, Base):
    """A browser or device that takes Web Push for its user (RFC 8030, keys of RFC 8291)."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("endpoint"),)

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    # The push service's URL for this subscription.
    endpoint: Mapped[str] = mapped_column(String(2048))
    # The browser's public key and authentication secret (base64url), to encrypt for it.
    p256dh: Mapped[str] = mapped_column(String(255))
    auth: Mapped[str] = mapped_column(String(255))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    last_pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Announcement(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A course announcement, or a platform-wide one when course_id is null."""

    __tablename__ = "announcements"
    __table_args__ = (Index(None, "course_id", "published_at"),)

    # The author. SET NULL: the announcement outlives its author's account.
    user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    course_id: Mapped[int | None] = fk("courses.id", ondelete="CASCADE", nullable=True, index=False)
    title: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    type: Mapped[AnnouncementType] = choice(AnnouncementType, AnnouncementType.INFO, index=True)
    audience: Mapped[AnnouncementAudience] = choice(
        AnnouncementAudience, AnnouncementAudience.ENROLLED
    )
    is_pinned: Mapped[bool] = flag(False)
    send_email: Mapped[bool] = flag(False)
    send_push: Mapped[bool] = flag(False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    views_count: Mapped[int] = counter()
    # A promotion (an offer, a coupon): limited per instructor and month, and e-mailed only
    # to those who opted in to promotions.
    is_promotional: Mapped[bool] = flag(False)
    # When its delivery (notifications, e-mails) started: set once, so it is sent once.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    author: Mapped[User | None] = relationship(lazy="raise")
    reads: Mapped[list[AnnouncementRead]] = relationship(
        back_populates="announcement",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class AnnouncementRead(IdMixin, TimestampMixin, Base):
    """A user has read an announcement (created_at is the moment of reading)."""

    __tablename__ = "announcement_reads"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)

    announcement_id: Mapped[int] = fk("announcements.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")

    announcement: Mapped[Announcement] = relationship(back_populates="reads", lazy="raise")


class AnnouncementRecipient(IdMixin, TimestampMixin, Base):
    """A user an announcement with audience ``specific`` is addressed to."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)

    announcement_id: Mapped[int] = fk("announcements.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")


class EmailSuppressionReason(enum.StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


class EmailSuppression(IdMixin, TimestampMixin, Base):
    """An address mail is no longer sent to: it bounced for good (nothing goes), or its
    owner marked our mail as spam (only transactional mail goes)."""

    __tablename__ = "email_suppressions"

    email: Mapped[str] = mapped_column(String(255), unique=True)
    reason: Mapped[EmailSuppressionReason] = choice(EmailSuppressionReason)
    # Who told: "postmark", "generic".
    source: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str | None] = mapped_column(Text)
