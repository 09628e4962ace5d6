"""Enrollments and lesson progress (spec module 5, migration step 5)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, func
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
    money,
    percent,
)

if TYPE_CHECKING:
    from lectern.models.courses import Course
    from lectern.models.curriculum import Lesson
    from lectern.models.users import User


class EnrollmentType(enum.StrEnum):
    PAID = "paid"
    FREE = "free"
    GIFTED = "gifted"
    COUPON = "coupon"
    ADMIN = "admin"
    BUNDLE = "bundle"
    SUBSCRIPTION = "subscription"


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    SUSPENDED = "suspended"


class Enrollment(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A user's access to a course, and their progress through it (one per user and course)."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index(None, "user_id", "status"),
        Index(None, "course_id", "status"),
        CheckConstraint("total_watch_time >= 0", name="total_watch_time_non_negative"),
    )

    # CASCADE: the enrollment is the user's and the course's; the money record is the order,
    # whose own foreign keys keep a paid course or a buyer from being hard-deleted.
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # Deferred (migration step 21): orders are created after enrollments. SET NULL keeps the
    # enrollment if the order row ever goes; free, gifted and admin enrollments have no order.
    order_id: Mapped[int | None] = mapped_column(
        BigId,
        ForeignKey("orders.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
        index=True,
    )

    enrollment_type: Mapped[EnrollmentType] = choice(EnrollmentType, EnrollmentType.PAID)
    price_paid: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")

    enrolled_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )
    # NULL = lifetime access.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    is_active: Mapped[bool] = flag(True)

    progress_percentage: Mapped[Decimal] = percent("0")
    completed_lessons: Mapped[int] = counter()
    total_lessons: Mapped[int] = counter()
    last_accessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SET NULL: deleting a lesson must not lose the enrollment, only the "resume here" pointer.
    last_lesson_id: Mapped[int | None] = fk("lessons.id", ondelete="SET NULL", nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds.
    total_watch_time: Mapped[int] = counter()

    status: Mapped[EnrollmentStatus] = choice(EnrollmentStatus, EnrollmentStatus.ACTIVE, index=True)

    user: Mapped[User] = relationship(lazy="raise")
    course: Mapped[Course] = relationship(lazy="raise")
    last_lesson: Mapped[Lesson | None] = relationship(lazy="raise")
    lesson_progress: Mapped[list[LessonProgress]] = relationship(
        back_populates="enrollment",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class LessonProgress(IdMixin, TimestampMixin, Base):
    """How far a user got in one lesson (one row per user and lesson)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        # Recounting an enrollment's completed lessons.
        Index(None, "enrollment_id", "is_completed"),
        CheckConstraint("watch_time >= 0", name="watch_time_non_negative"),
        CheckConstraint("last_position >= 0", name="last_position_non_negative"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    lesson_id: Mapped[int] = fk("lessons.id", ondelete="CASCADE")
    enrollment_id: Mapped[int] = fk("enrollments.id", ondelete="CASCADE", index=False)

    is_completed: Mapped[bool] = flag(False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds watched in total, and the playback position (seconds) to resume from.
    watch_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_percentage: Mapped[Decimal] = percent("0")
    views_count: Mapped[int] = counter()
    last_watched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The learner's time-stamped notes on the lesson.
    notes: Mapped[list[Any] | None] = mapped_column(JSONType)

    # The player's latest heartbeat (not in the spec): the playback session it came from,
    # its sequence number in that session, and the seconds that session reported watched.
    # They make heartbeats idempotent: a replayed or older beat changes nothing.
    play_id: Mapped[str | None] = mapped_column(String(36))
    play_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    play_watched: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    enrollment: Mapped[Enrollment] = relationship(back_populates="lesson_progress", lazy="raise")
    lesson: Mapped[Lesson] = relationship(lazy="raise")
