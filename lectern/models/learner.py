"""A learner's wishlist, lesson bookmarks and notes (spec module 14, migration step 14)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint, column
from sqlalchemy.orm import Mapped, mapped_column

from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    fk,
    flag,
)


class Wishlist(IdMixin, TimestampMixin, Base):
    __tablename__ = "wishlists"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    # Indexed on its own too: a price drop looks up who wishlisted the course.
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    # Notify the user when the course's price drops.
    price_alert: Mapped[bool] = flag(False)


class Bookmark(IdMixin, TimestampMixin, Base):
    __tablename__ = "bookmarks"
    __table_args__ = (
        Index(None, "user_id", "course_id"),
        CheckConstraint(column("timestamp") >= 0, name="timestamp_not_negative"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    lesson_id: Mapped[int] = fk("lessons.id", ondelete="CASCADE")
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    title: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    # Video position in seconds; NULL for a lesson without a timeline.
    timestamp: Mapped[int | None] = mapped_column(Integer)


class StudentNote(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "student_notes"
    __table_args__ = (
        Index(None, "user_id", "course_id"),
        CheckConstraint(column("timestamp") >= 0, name="timestamp_not_negative"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    lesson_id: Mapped[int] = fk("lessons.id", ondelete="CASCADE")
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    content: Mapped[str] = mapped_column(Text)
    # Video position in seconds; NULL for a lesson without a timeline.
    timestamp: Mapped[int | None] = mapped_column(Integer)
    # Highlight colour in the player UI: a name or #rrggbb.
    color: Mapped[str | None] = mapped_column(String(32))
