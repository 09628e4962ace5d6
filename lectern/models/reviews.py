"""Course reviews, their helpful votes and abuse reports (spec module 9, migration step 9)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    choice,
    counter,
    fk,
    flag,
    score,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FLAGGED = "flagged"


class ReviewVoteValue(enum.StrEnum):
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"


class ReviewReportStatus(enum.StrEnum):
    PENDING = "pending"
    REVIEWED = "reviewed"
    DISMISSED = "dismissed"


class Review(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index(None, "course_id", "status"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # SET NULL: the review stays when its enrollment goes.
    enrollment_id: Mapped[int | None] = fk("enrollments.id", ondelete="SET NULL", nullable=True)

    # 1.00-5.00; the sub-ratings are optional.
    rating: Mapped[Decimal] = score(None, index=True)
    title: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str | None] = mapped_column(Text)
    rating_content: Mapped[Decimal | None] = score(None, nullable=True)
    rating_instructor: Mapped[Decimal | None] = score(None, nullable=True)
    rating_value: Mapped[Decimal | None] = score(None, nullable=True)

    status: Mapped[ReviewStatus] = choice(ReviewStatus, ReviewStatus.PENDING, index=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    helpful_count: Mapped[int] = counter()
    not_helpful_count: Mapped[int] = counter()
    report_count: Mapped[int] = counter()

    instructor_response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    is_featured: Mapped[bool] = flag(False, index=True)
    is_verified_purchase: Mapped[bool] = flag(False)

    user: Mapped[User] = relationship(foreign_keys="Review.user_id", lazy="raise")
    votes: Mapped[list[ReviewVote]] = relationship(
        back_populates="review",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    reports: Mapped[list[ReviewReport]] = relationship(
        back_populates="review",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ReviewVote(IdMixin, TimestampMixin, Base):
    """One helpful / not helpful vote per user and review."""

    __tablename__ = "review_votes"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    review_id: Mapped[int] = fk("reviews.id", ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    vote: Mapped[ReviewVoteValue] = choice(ReviewVoteValue)

    review: Mapped[Review] = relationship(back_populates="votes", lazy="raise")


class ReviewReport(IdMixin, TimestampMixin, Base):
    """A user's report of an abusive or off-topic review, for the moderators."""

    __tablename__ = "review_reports"
    # One report per user and review: distinct reporters are what flag a review.
    __table_args__ = (
        Index("uq_review_reports_review_id_user_id", "review_id", "user_id", unique=True),
    )

    review_id: Mapped[int] = fk("reviews.id", ondelete="CASCADE")
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    # A short reason such as "spam", "offensive" or "off_topic"; details go in description.
    reason: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ReviewReportStatus] = choice(
        ReviewReportStatus, ReviewReportStatus.PENDING, index=True
    )

    review: Mapped[Review] = relationship(back_populates="reports", lazy="raise")
