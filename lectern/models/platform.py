"""Platform tables: settings, pages, FAQs, media, logs, views, support (migration step 19)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, CheckConstraint, Date, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime, utcnow
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


class SettingGroup(enum.StrEnum):
    GENERAL = "general"
    EMAIL = "email"
    PAYMENT = "payment"
    SEO = "seo"


class SettingType(enum.StrEnum):
    """How a setting's text ``value`` is to be read back."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    JSON = "json"
    FILE = "file"


class MediaType(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    OTHER = "other"


class SupportTicketCategory(enum.StrEnum):
    TECHNICAL = "technical"
    BILLING = "billing"
    COURSE_CONTENT = "course_content"
    REFUND = "refund"
    OTHER = "other"


class SupportTicketPriority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class SupportTicketStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


def _utc_today() -> date:
    return utcnow().date()


class Setting(IdMixin, TimestampMixin, Base):
    """A platform-wide key/value setting; ``type`` says how to parse ``value``."""

    __tablename__ = "settings"

    group: Mapped[SettingGroup] = choice(SettingGroup, SettingGroup.GENERAL, index=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    value: Mapped[str | None] = mapped_column(Text)
    type: Mapped[SettingType] = choice(SettingType, SettingType.STRING)
    description: Mapped[str | None] = mapped_column(Text)
    # Public settings (site name, logo ...) may be served to anonymous clients.
    is_public: Mapped[bool] = flag(False)


class Page(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A CMS page (about, terms, privacy ...)."""

    __tablename__ = "pages"

    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    content: Mapped[str | None] = mapped_column(Text)
    # Name of the layout the front end renders the page with; NULL means the default one.
    template: Mapped[str | None] = mapped_column(String(100))
    is_published: Mapped[bool] = flag(False, index=True)
    show_in_navigation: Mapped[bool] = flag(False)
    show_in_footer: Mapped[bool] = flag(False)
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Authorship is history: the page survives the deletion of its editors.
    created_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    updated_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)


class Faq(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A question and answer, platform-wide (course_id NULL) or for one course."""

    __tablename__ = "faqs"
    __table_args__ = (Index(None, "course_id", "order"),)

    course_id: Mapped[int | None] = fk("courses.id", ondelete="CASCADE", nullable=True, index=False)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    is_published: Mapped[bool] = flag(True, index=True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    helpful_count: Mapped[int] = counter()


class Media(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """An uploaded file (media library entry)."""

    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_non_negative"),
        CheckConstraint("duration >= 0", name="duration_non_negative"),
    )

    # SET NULL, not CASCADE: pages, courses and lessons may embed the file by its path or URL,
    # so deleting the uploader must not silently remove the record (an orphaned file on disk
    # would then have nothing pointing at it to clean it up or reassign it).
    user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    name: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    file_path: Mapped[str] = mapped_column(String(1024))
    # Name of the storage backend holding the file (local, s3 ...).
    disk: Mapped[str] = mapped_column(String(32), default="local", server_default="local")
    mime_type: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)  # bytes
    type: Mapped[MediaType] = choice(MediaType, MediaType.OTHER, index=True)
    width: Mapped[int | None] = mapped_column(Integer)  # pixels
    height: Mapped[int | None] = mapped_column(Integer)  # pixels
    duration: Mapped[int | None] = mapped_column(Integer)  # seconds
    # Derived files (thumbnails, resized images, transcodes): name -> path and metadata.
    conversions: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    alt_text: Mapped[str | None] = mapped_column(String(500))
    caption: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship(lazy="raise")


class ActivityLog(IdMixin, TimestampMixin, Base):
    """An audit-log entry: who (causer) did what (event) to which record (subject)."""

    __tablename__ = "activity_logs"
    __table_args__ = (
        Index(None, "subject_type", "subject_id"),
        Index(None, "causer_type", "causer_id"),
        Index(None, "log_name", "created_at"),
    )

    # The log must outlive the user it mentions.
    user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    log_name: Mapped[str | None] = mapped_column(String(100))
    event: Mapped[str | None] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(Text)
    # Polymorphic references (no FK): a table or model name and that row's id.
    subject_type: Mapped[str | None] = mapped_column(String(100))
    subject_id: Mapped[int | None] = mapped_column(BigId)
    causer_type: Mapped[str | None] = mapped_column(String(100))
    causer_id: Mapped[int | None] = mapped_column(BigId)
    properties: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User | None] = relationship(lazy="raise")


class CourseView(IdMixin, TimestampMixin, Base):
    """One view of a course page, for analytics."""

    __tablename__ = "course_views"
    __table_args__ = (Index(None, "course_id", "viewed_date"),)

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # Anonymous views have no user; a deleted user's views still count.
    user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    referrer: Mapped[str | None] = mapped_column(String(2048))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2, from geo-IP
    device_type: Mapped[str | None] = mapped_column(String(32))  # desktop/mobile/tablet/bot
    # The UTC calendar day of the view, for daily aggregation.
    viewed_date: Mapped[date] = mapped_column(
        Date, default=_utc_today, server_default=func.current_date()
    )


class SupportTicket(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "support_tickets"
    __table_args__ = (
        Index(None, "user_id", "status"),
        Index(None, "assigned_to", "status"),
        CheckConstraint("satisfaction_rating BETWEEN 1 AND 5", name="satisfaction_rating_range"),
    )

    ticket_number: Mapped[str] = mapped_column(String(32), unique=True)
    # CASCADE: the ticket and its conversation are the requester's personal data; a hard
    # delete of a user is an erasure (ordinary account deletion is a soft delete).
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    course_id: Mapped[int | None] = fk("courses.id", ondelete="SET NULL", nullable=True)
    order_id: Mapped[int | None] = fk("orders.id", ondelete="SET NULL", nullable=True)
    subject: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any] | None] = mapped_column(JSONType)
    category: Mapped[SupportTicketCategory] = choice(
        SupportTicketCategory, SupportTicketCategory.OTHER, index=True
    )
    priority: Mapped[SupportTicketPriority] = choice(
        SupportTicketPriority, SupportTicketPriority.MEDIUM, index=True
    )
    status: Mapped[SupportTicketStatus] = choice(
        SupportTicketStatus, SupportTicketStatus.OPEN, index=True
    )
    # The staff member handling the ticket; the ticket survives them.
    assigned_to: Mapped[int | None] = fk(
        "users.id", ondelete="SET NULL", nullable=True, index=False
    )
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction_rating: Mapped[int | None] = mapped_column(Integer)  # 1 to 5 stars
    satisfaction_feedback: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assigned_to], lazy="raise")
    replies: Mapped[list[SupportTicketReply]] = relationship(
        back_populates="ticket",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SupportTicketReply.created_at",
    )


class SupportTicketReply(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "support_ticket_replies"
    __table_args__ = (Index(None, "ticket_id", "created_at"),)

    ticket_id: Mapped[int] = fk("support_tickets.id", ondelete="CASCADE", index=False)
    # SET NULL: a staff member's replies stay in the ticket's history after they leave.
    user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    message: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any] | None] = mapped_column(JSONType)
    # Staff-only note, never shown to the requester.
    is_internal_note: Mapped[bool] = flag(False)

    ticket: Mapped[SupportTicket] = relationship(back_populates="replies", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")
