"""Instructor profiles (spec module 2, Instructor Profiles; migration step 2)."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    choice,
    counter,
    fk,
    flag,
    money,
    percent,
    score,
)
from lectern.models.users import User


class InstructorProfileStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class InstructorProfile(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """The teaching side of a user: one per user. Courses point at users.id, not here."""

    __tablename__ = "instructor_profiles"

    # CASCADE: the profile is part of its user; earnings and payouts reference users.id.
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False, unique=True)
    headline: Mapped[str | None] = mapped_column(String(255))
    bio: Mapped[str | None] = mapped_column(Text)
    short_bio: Mapped[str | None] = mapped_column(String(500))
    # A list of subjects, e.g. ["Python", "Data science"].
    expertise: Mapped[list[Any] | None] = mapped_column(JSONType)
    # Network name -> profile URL.
    social_links: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    rating: Mapped[Decimal] = score(index=True)
    total_reviews: Mapped[int] = counter()
    total_students: Mapped[int] = counter()
    total_courses: Mapped[int] = counter()
    # The instructor's share of a sale, in percent (the platform keeps the rest).
    commission_rate: Mapped[Decimal] = percent("70")
    total_earnings: Mapped[Decimal] = money()
    pending_earnings: Mapped[Decimal] = money()
    status: Mapped[InstructorProfileStatus] = choice(
        InstructorProfileStatus, InstructorProfileStatus.PENDING, index=True
    )
    certifications: Mapped[list[Any] | None] = mapped_column(JSONType)
    achievements: Mapped[list[Any] | None] = mapped_column(JSONType)
    # Off: no one but admins starts a conversation with the instructor (those under way go on).
    accepts_messages: Mapped[bool] = flag(True)

    user: Mapped[User] = relationship(lazy="raise")
