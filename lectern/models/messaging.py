"""Private messaging: conversations, participants and messages (spec §17, migration step 17)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, String, Text, UniqueConstraint
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

if TYPE_CHECKING:
    from lectern.models.users import User


class ConversationType(enum.StrEnum):
    DIRECT = "direct"
    SUPPORT = "support"
    COURSE_INQUIRY = "course_inquiry"


class Conversation(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "conversations"

    # The course a course_inquiry is about; the conversation outlives the course.
    course_id: Mapped[int | None] = fk("courses.id", ondelete="SET NULL", nullable=True)
    subject: Mapped[str | None] = mapped_column(String(255))
    type: Mapped[ConversationType] = choice(ConversationType, ConversationType.DIRECT, index=True)
    # Inboxes sort by it.
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    is_closed: Mapped[bool] = flag(False)

    participants: Mapped[list[ConversationParticipant]] = relationship(
        back_populates="conversation",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ConversationParticipant(IdMixin, TimestampMixin, Base):
    __tablename__ = "conversation_participants"
    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    conversation_id: Mapped[int] = fk("conversations.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unread_count: Mapped[int] = counter()
    is_muted: Mapped[bool] = flag(False)

    conversation: Mapped[Conversation] = relationship(back_populates="participants", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class Message(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (Index(None, "conversation_id", "created_at"),)

    conversation_id: Mapped[int] = fk("conversations.id", ondelete="CASCADE", index=False)
    # Null for system messages. SET NULL: the other participants keep the thread when the
    # sender's account is deleted.
    sender_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    content: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any] | None] = mapped_column(JSONType)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_system_message: Mapped[bool] = flag(False)

    conversation: Mapped[Conversation] = relationship(back_populates="messages", lazy="raise")
    sender: Mapped[User | None] = relationship(lazy="raise")


class UserBlock(IdMixin, TimestampMixin, Base):
    """``blocker`` takes no messages from ``blocked``."""

    __tablename__ = "user_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    blocker_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    blocked_id: Mapped[int] = fk("users.id", ondelete="CASCADE")


class MessageReportResolution(enum.StrEnum):
    DISMISSED = "dismissed"
    REMOVED = "removed"  # the message was taken down


class MessageReport(IdMixin, TimestampMixin, Base):
    """A participant's report of a message to the admins, once per reporter."""

    __tablename__ = "message_reports"
    __table_args__ = (UniqueConstraint("message_id", "reporter_id"),)

    message_id: Mapped[int] = fk("messages.id", ondelete="CASCADE", index=False)
    reporter_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    reason: Mapped[str] = mapped_column(String(500))
    resolution: Mapped[MessageReportResolution | None] = choice(
        MessageReportResolution, nullable=True
    )
    resolved_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
