"""User extended tables: profiles, recommendations, history and course links (spec section 20)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Date, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

# Aliased: RelatedCourse has a column attribute named ``relationship`` (the spec's column name),
# which would shadow the ORM function inside that class body.
from sqlalchemy.orm import relationship as orm_relationship

from lectern.kit.types import JSONType, UTCDateTime, utcnow
from lectern.models.base import (
    Base,
    IdMixin,
    TimestampMixin,
    choice,
    counter,
    fk,
    flag,
    percent,
    score,
)

if TYPE_CHECKING:
    from lectern.models.courses import Course
    from lectern.models.curriculum import Lesson
    from lectern.models.users import User


class UserProfileGender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class CourseRecommendationType(enum.StrEnum):
    PERSONALIZED = "personalized"
    TRENDING = "trending"
    POPULAR = "popular"
    SIMILAR = "similar"
    INSTRUCTOR = "instructor"


class RelatedCourseRelationship(enum.StrEnum):
    SIMILAR = "similar"
    NEXT_LEVEL = "next_level"
    COMPLEMENTARY = "complementary"


class UserProfile(IdMixin, TimestampMixin, Base):
    """The optional personal details of a user (one row per user)."""

    __tablename__ = "user_profiles"

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", unique=True, index=False)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    avatar: Mapped[str | None] = mapped_column(String(1024))
    cover_image: Mapped[str | None] = mapped_column(String(1024))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[UserProfileGender | None] = choice(UserProfileGender, nullable=True)
    headline: Mapped[str | None] = mapped_column(String(255))
    bio: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    # NULL: fall back to users.timezone / users.language.
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(12))
    # Social links: profile URLs (or handles, as entered).
    website: Mapped[str | None] = mapped_column(String(1024))
    twitter: Mapped[str | None] = mapped_column(String(1024))
    linkedin: Mapped[str | None] = mapped_column(String(1024))
    facebook: Mapped[str | None] = mapped_column(String(1024))
    github: Mapped[str | None] = mapped_column(String(1024))
    youtube: Mapped[str | None] = mapped_column(String(1024))
    occupation: Mapped[str | None] = mapped_column(String(255))
    company: Mapped[str | None] = mapped_column(String(255))
    skills: Mapped[list[Any] | None] = mapped_column(JSONType)
    interests: Mapped[list[Any] | None] = mapped_column(JSONType)
    learning_goals: Mapped[list[Any] | None] = mapped_column(JSONType)
    profile_completed: Mapped[bool] = flag(False)

    user: Mapped[User] = orm_relationship(lazy="raise")


class CourseRecommendation(IdMixin, TimestampMixin, Base):
    """A course suggested to a user, with the recommender's score."""

    __tablename__ = "course_recommendations"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # A user's recommendations, best first.
        Index(None, "user_id", "score"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    score: Mapped[Decimal] = score()
    reason: Mapped[str | None] = mapped_column(String(255))
    type: Mapped[CourseRecommendationType] = choice(
        CourseRecommendationType, CourseRecommendationType.PERSONALIZED, index=True
    )
    is_dismissed: Mapped[bool] = flag(False)

    course: Mapped[Course] = orm_relationship(lazy="raise")


class SearchHistory(IdMixin, TimestampMixin, Base):
    """A search made on the catalogue, by a user or an anonymous session."""

    __tablename__ = "search_history"
    __table_args__ = (
        Index(None, "user_id", "created_at"),
        Index(None, "created_at"),
    )

    # SET NULL: anonymous searches have no user, and the search statistics outlive a user.
    user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    session_id: Mapped[str | None] = mapped_column(String(255), index=True)
    query: Mapped[str] = mapped_column(String(255))
    results_count: Mapped[int] = counter()
    filters: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class WatchHistory(IdMixin, TimestampMixin, Base):
    """Where a user is in a lesson's media, for "continue watching"."""

    __tablename__ = "watch_history"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        Index(None, "user_id", "last_watched_at"),
        CheckConstraint("last_position >= 0", name="last_position_non_negative"),
        CheckConstraint("duration_watched >= 0", name="duration_watched_non_negative"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    lesson_id: Mapped[int] = fk("lessons.id", ondelete="CASCADE")
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    last_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # seconds
    duration_watched: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # seconds
    progress_percentage: Mapped[Decimal] = percent("0")
    last_watched_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )

    lesson: Mapped[Lesson] = orm_relationship(lazy="raise")
    course: Mapped[Course] = orm_relationship(lazy="raise")


class CoursePrerequisite(IdMixin, TimestampMixin, Base):
    """A course to complete before ``course_id`` (a recommendation unless ``is_required``)."""

    __tablename__ = "course_prerequisites"
    __table_args__ = (
        UniqueConstraint("course_id", "prerequisite_course_id"),
        CheckConstraint("course_id <> prerequisite_course_id", name="not_self"),
    )

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # Indexed: "which courses require this one".
    prerequisite_course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    is_required: Mapped[bool] = flag(True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    course: Mapped[Course] = orm_relationship(foreign_keys=[course_id], lazy="raise")
    prerequisite: Mapped[Course] = orm_relationship(
        foreign_keys=[prerequisite_course_id], lazy="raise"
    )


class RelatedCourse(IdMixin, TimestampMixin, Base):
    """A curated link from a course to another one."""

    __tablename__ = "related_courses"
    __table_args__ = (
        UniqueConstraint("course_id", "related_course_id"),
        CheckConstraint("course_id <> related_course_id", name="not_self"),
    )

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    related_course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    # Attribute named like the column (the ORM function is imported as orm_relationship).
    relationship: Mapped[RelatedCourseRelationship] = choice(
        RelatedCourseRelationship, RelatedCourseRelationship.SIMILAR
    )
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    course: Mapped[Course] = orm_relationship(foreign_keys=[course_id], lazy="raise")
    related_course: Mapped[Course] = orm_relationship(
        foreign_keys=[related_course_id], lazy="raise"
    )
