"""Course bundles and learning paths with their steps and enrollments (migration step 13)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import ExactDecimal, JSONType, UTCDateTime, utcnow
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
    percent,
    score,
)

if TYPE_CHECKING:
    from lectern.models.courses import Course
    from lectern.models.users import User


class LearningPathDifficulty(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class LearningPathStepType(enum.StrEnum):
    COURSE = "course"
    MILESTONE = "milestone"
    QUIZ = "quiz"
    PROJECT = "project"


class LearningPathEnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    PAUSED = "paused"


class Bundle(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """Several courses sold together at one price."""

    __tablename__ = "bundles"

    # RESTRICT: a bundle is a product on sale; bundles and users are soft-deleted.
    instructor_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    short_description: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    thumbnail: Mapped[str | None] = mapped_column(String(1024))
    cover_image: Mapped[str | None] = mapped_column(String(1024))
    price: Mapped[Decimal] = money()
    # The "was" price shown struck through; NULL when there is none.
    compare_price: Mapped[Decimal | None] = money(None, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    is_published: Mapped[bool] = flag(False, index=True)
    is_featured: Mapped[bool] = flag(False, index=True)
    total_courses: Mapped[int] = counter()
    total_duration_hours: Mapped[Decimal] = mapped_column(
        ExactDecimal(2), default=Decimal("0"), server_default="0"
    )
    total_enrollments: Mapped[int] = counter()
    rating: Mapped[Decimal] = score(index=True)
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(String(500))

    instructor: Mapped[User] = relationship("User", lazy="raise")
    courses: Mapped[list[BundleCourse]] = relationship(
        back_populates="bundle",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="BundleCourse.order",
    )


class BundleCourse(IdMixin, TimestampMixin, Base):
    __tablename__ = "bundle_courses"
    __table_args__ = (UniqueConstraint("bundle_id", "course_id"),)

    bundle_id: Mapped[int] = fk("bundles.id", ondelete="CASCADE", index=False)
    # A (hard-)deleted course leaves the bundle; sales keep it in order_items.
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    bundle: Mapped[Bundle] = relationship(back_populates="courses", lazy="raise")
    course: Mapped[Course] = relationship("Course", lazy="raise")


class LearningPath(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """An ordered sequence of courses and milestones leading to a skill."""

    __tablename__ = "learning_paths"

    created_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    short_description: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    thumbnail: Mapped[str | None] = mapped_column(String(1024))
    cover_image: Mapped[str | None] = mapped_column(String(1024))
    difficulty: Mapped[LearningPathDifficulty] = choice(
        LearningPathDifficulty, LearningPathDifficulty.BEGINNER, index=True
    )
    estimated_hours: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    skill_outcome: Mapped[str | None] = mapped_column(String(255))
    is_free: Mapped[bool] = flag(False)
    price: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    is_published: Mapped[bool] = flag(False, index=True)
    is_featured: Mapped[bool] = flag(False, index=True)
    # Steps unlock one after another.
    is_sequential: Mapped[bool] = flag(True)
    total_enrollments: Mapped[int] = counter()
    completion_rate: Mapped[Decimal] = percent()

    steps: Mapped[list[LearningPathStep]] = relationship(
        back_populates="learning_path",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LearningPathStep.order",
    )
    enrollments: Mapped[list[LearningPathEnrollment]] = relationship(
        # The database removes them with the path (CASCADE); the ORM never nulls the key.
        back_populates="learning_path",
        lazy="raise",
        passive_deletes="all",
    )


class LearningPathStep(IdMixin, TimestampMixin, Base):
    __tablename__ = "learning_path_steps"
    __table_args__ = (Index(None, "learning_path_id", "order"),)

    learning_path_id: Mapped[int] = fk("learning_paths.id", ondelete="CASCADE", index=False)
    # NULL for milestones (and other steps without a course). SET NULL: a (hard-)deleted
    # course leaves its step, with its title, in place so learners' progress still adds up.
    course_id: Mapped[int | None] = fk("courses.id", ondelete="SET NULL", nullable=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    type: Mapped[LearningPathStepType] = choice(LearningPathStepType, LearningPathStepType.COURSE)
    is_required: Mapped[bool] = flag(True)
    is_locked: Mapped[bool] = flag(False)
    completion_requirements: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    learning_path: Mapped[LearningPath] = relationship(back_populates="steps", lazy="raise")
    course: Mapped[Course | None] = relationship("Course", lazy="raise")


class LearningPathEnrollment(IdMixin, TimestampMixin, Base):
    __tablename__ = "learning_path_enrollments"
    __table_args__ = (UniqueConstraint("user_id", "learning_path_id"),)

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    learning_path_id: Mapped[int] = fk("learning_paths.id", ondelete="CASCADE")
    progress_percentage: Mapped[Decimal] = percent()
    completed_steps: Mapped[int] = counter()
    current_step_id: Mapped[int | None] = fk(
        "learning_path_steps.id", ondelete="SET NULL", nullable=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[LearningPathEnrollmentStatus] = choice(
        LearningPathEnrollmentStatus, LearningPathEnrollmentStatus.ACTIVE, index=True
    )

    learning_path: Mapped[LearningPath] = relationship(back_populates="enrollments", lazy="raise")
