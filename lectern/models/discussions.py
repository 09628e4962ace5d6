"""Course discussions and Q&A: threads, replies, upvotes, followers (spec module 10, step 10)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import UTCDateTime, utcnow
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


class DiscussionType(enum.StrEnum):
    QUESTION = "question"
    DISCUSSION = "discussion"
    ANNOUNCEMENT = "announcement"


class DiscussionStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    FLAGGED = "flagged"


class DiscussionReplyStatus(enum.StrEnum):
    ACTIVE = "active"
    FLAGGED = "flagged"
    DELETED = "deleted"


class Discussion(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "discussions"
    __table_args__ = (Index(None, "course_id", "status"),)

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # SET NULL: a lesson's removal leaves its threads on the course.
    lesson_id: Mapped[int | None] = fk("lessons.id", ondelete="SET NULL", nullable=True)
    title: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    type: Mapped[DiscussionType] = choice(DiscussionType, DiscussionType.QUESTION, index=True)
    status: Mapped[DiscussionStatus] = choice(DiscussionStatus, DiscussionStatus.OPEN, index=True)
    is_pinned: Mapped[bool] = flag(False)
    is_featured: Mapped[bool] = flag(False, index=True)
    # Deferred FK (migration step 21): discussion_replies is created after discussions.
    # SET NULL: deleting the accepted reply just un-accepts it.
    best_answer_id: Mapped[int | None] = mapped_column(
        BigId,
        ForeignKey("discussion_replies.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
        index=True,
    )

    views_count: Mapped[int] = counter()
    replies_count: Mapped[int] = counter()
    upvotes_count: Mapped[int] = counter()
    followers_count: Mapped[int] = counter()

    # Set to the creation time, then bumped by every reply; threads sort by it.
    last_activity_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp(), index=True
    )

    user: Mapped[User] = relationship(lazy="raise")
    # foreign_keys: best_answer_id is a second path between the two tables.
    replies: Mapped[list[DiscussionReply]] = relationship(
        back_populates="discussion",
        foreign_keys="DiscussionReply.discussion_id",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class DiscussionReply(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "discussion_replies"
    __table_args__ = (Index(None, "discussion_id", "created_at"),)

    discussion_id: Mapped[int] = fk("discussions.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    # A reply to a reply; NULL for a top-level answer. Nested replies go with their parent.
    parent_id: Mapped[int | None] = fk("discussion_replies.id", ondelete="CASCADE", nullable=True)
    content: Mapped[str] = mapped_column(Text)
    is_best_answer: Mapped[bool] = flag(False)
    is_instructor_reply: Mapped[bool] = flag(False)
    upvotes_count: Mapped[int] = counter()
    replies_count: Mapped[int] = counter()
    status: Mapped[DiscussionReplyStatus] = choice(
        DiscussionReplyStatus, DiscussionReplyStatus.ACTIVE, index=True
    )

    # passive_deletes on the many-to-ones too: the parent/children cycle makes the unit of
    # work inspect every relationship of a deleted reply, which would trip lazy="raise".
    user: Mapped[User] = relationship(lazy="raise", passive_deletes=True)
    discussion: Mapped[Discussion] = relationship(
        back_populates="replies",
        foreign_keys=[discussion_id],
        lazy="raise",
        passive_deletes=True,
    )
    parent: Mapped[DiscussionReply | None] = relationship(
        back_populates="children",
        remote_side="DiscussionReply.id",
        lazy="raise",
        passive_deletes=True,
    )
    # No delete-orphan here: a top-level reply has no parent and is not an orphan.
    children: Mapped[list[DiscussionReply]] = relationship(
        back_populates="parent", lazy="raise", cascade="all", passive_deletes=True
    )


class DiscussionUpvote(IdMixin, TimestampMixin, Base):
    """One upvote per user on a discussion or a reply (polymorphic, so no FK on the target)."""

    __tablename__ = "discussion_upvotes"
    __table_args__ = (
        UniqueConstraint("user_id", "upvoteable_id", "upvoteable_type"),
        Index(None, "upvoteable_type", "upvoteable_id"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    # "discussion" or "discussion_reply".
    upvoteable_type: Mapped[str] = mapped_column(String(50))
    upvoteable_id: Mapped[int] = mapped_column(BigId)


class DiscussionFollower(IdMixin, TimestampMixin, Base):
    """A user notified of new replies in a discussion."""

    __tablename__ = "discussion_followers"
    __table_args__ = (UniqueConstraint("discussion_id", "user_id"),)

    discussion_id: Mapped[int] = fk("discussions.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")


class DiscussionReport(IdMixin, TimestampMixin, Base):
    """A user's report of a thread or a reply (polymorphic like upvotes), once per user;
    distinct reporters past a threshold flag the post until a moderator decides."""

    __tablename__ = "discussion_reports"
    __table_args__ = (
        UniqueConstraint("user_id", "reportable_id", "reportable_type"),
        Index(None, "reportable_type", "reportable_id"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    # "discussion" or "discussion_reply".
    reportable_type: Mapped[str] = mapped_column(String(50))
    reportable_id: Mapped[int] = mapped_column(BigId)
    reason: Mapped[str] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
