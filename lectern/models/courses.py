"""Courses, their tags and co-instructors (spec module 3, Courses; migration step 3)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint, text
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
    money,
    percent,
    score,
)
from lectern.models.catalog import Category, Tag
from lectern.models.users import User

if TYPE_CHECKING:
    from lectern.models.curriculum import CourseSection, Lesson


class CoursePriceType(enum.StrEnum):
    FREE = "free"
    PAID = "paid"
    SUBSCRIPTION = "subscription"


class CourseLevel(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    ALL_LEVELS = "all_levels"


class CourseAccessType(enum.StrEnum):
    LIFETIME = "lifetime"
    LIMITED = "limited"
    SUBSCRIPTION = "subscription"


class CourseStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    REJECTED = "rejected"


class CourseInstructorRole(enum.StrEnum):
    PRIMARY = "primary"
    CO_INSTRUCTOR = "co_instructor"
    ASSISTANT = "assistant"


class Course(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "courses"
    __table_args__ = (
        # The public catalog: published courses, newest first. It also serves filters on
        # status alone, so status has no index of its own.
        Index(None, "status", "published_at"),
        # The catalog's count of the visible courses matching its filters, read from the
        # index alone (migration 0025).
        Index(
            "ix_courses_catalog_filters",
            "status",
            "level",
            "price_type",
            "language",
            "is_approved",
            "deleted_at",
        ),
        # The catalog's sort orders, tie-breakers included, so that a page is a walk of
        # an index's first rows (migration 0026): best rated, most popular, by price.
        Index("ix_courses_rating", "rating", "total_reviews", "id"),
        Index("ix_courses_total_enrollments", "total_enrollments", "id"),
        Index("ix_courses_price_order", text("coalesce(price, 0)"), "id"),
        # Free and subscription-only courses have no price (NULL); a paid course must have one.
        CheckConstraint("price_type <> 'paid' OR price IS NOT NULL", name="paid_has_price"),
        CheckConstraint("duration_minutes >= 0", name="duration_minutes_not_negative"),
    )

    # RESTRICT: a user who still owns courses (and their sales history) cannot be
    # hard-deleted; reassign the courses first (users are normally soft-deleted).
    instructor_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    # SET NULL: deleting a category leaves its courses uncategorised, not deleted.
    category_id: Mapped[int | None] = fk("categories.id", ondelete="SET NULL", nullable=True)
    subcategory_id: Mapped[int | None] = fk("categories.id", ondelete="SET NULL", nullable=True)

    # Basic info
    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    subtitle: Mapped[str | None] = mapped_column(String(255))
    short_description: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    # Lists of short strings shown as bullet points.
    requirements: Mapped[list[Any] | None] = mapped_column(JSONType)
    what_you_learn: Mapped[list[Any] | None] = mapped_column(JSONType)
    target_audience: Mapped[list[Any] | None] = mapped_column(JSONType)

    # Media
    thumbnail: Mapped[str | None] = mapped_column(String(1024))
    cover_image: Mapped[str | None] = mapped_column(String(1024))
    promo_video: Mapped[str | None] = mapped_column(String(2048))
    # Where promo_video is hosted: youtube, vimeo, upload ... (open set, not an enum).
    promo_video_type: Mapped[str | None] = mapped_column(String(32))

    # Pricing. price is NULL when the course has no price of its own (free, or only
    # reachable through a subscription); see the paid_has_price check above.
    price_type: Mapped[CoursePriceType] = choice(CoursePriceType, CoursePriceType.FREE, index=True)
    price: Mapped[Decimal | None] = money(None, nullable=True, index=True)
    # The struck-through "was" price shown next to price; NULL when there is none.
    compare_price: Mapped[Decimal | None] = money(None, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")

    # Details
    level: Mapped[CourseLevel] = choice(CourseLevel, CourseLevel.ALL_LEVELS, index=True)
    # A language code such as "en" or "pt-BR".
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en", index=True)
    # Language codes of the available captions.
    captions: Mapped[list[Any] | None] = mapped_column(JSONType)
    duration_minutes: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", index=True
    )
    total_lectures: Mapped[int] = counter()
    total_sections: Mapped[int] = counter()
    total_resources: Mapped[int] = counter()

    # Settings
    is_published: Mapped[bool] = flag(False, index=True)
    is_approved: Mapped[bool] = flag(False)
    is_featured: Mapped[bool] = flag(False, index=True)
    is_bestseller: Mapped[bool] = flag(False)
    is_trending: Mapped[bool] = flag(False)
    is_new: Mapped[bool] = flag(False)
    drip_content: Mapped[bool] = flag(False)
    has_certificate: Mapped[bool] = flag(True)
    # Months its certificates stay valid (their expiry_date); NULL: they never expire.
    certificate_valid_months: Mapped[int | None] = mapped_column(Integer)
    allow_qa: Mapped[bool] = flag(True)
    allow_reviews: Mapped[bool] = flag(True)
    allow_discussions: Mapped[bool] = flag(True)

    # Access
    access_type: Mapped[CourseAccessType] = choice(CourseAccessType, CourseAccessType.LIFETIME)
    # Days of access after enrolment when access_type is limited; NULL otherwise.
    access_days: Mapped[int | None] = mapped_column(Integer)

    # Statistics
    # Indexed with their tie-breakers below: catalog sort orders.
    rating: Mapped[Decimal] = score()
    total_reviews: Mapped[int] = counter()
    total_enrollments: Mapped[int] = counter()
    total_views: Mapped[int] = counter()
    total_wishlist: Mapped[int] = counter()

    # SEO
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(String(500))
    meta_keywords: Mapped[str | None] = mapped_column(String(500))

    # Status (indexed through the (status, published_at) index)
    status: Mapped[CourseStatus] = choice(CourseStatus, CourseStatus.DRAFT)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    instructor: Mapped[User] = relationship(lazy="raise")
    category: Mapped[Category | None] = relationship(foreign_keys=[category_id], lazy="raise")
    subcategory: Mapped[Category | None] = relationship(foreign_keys=[subcategory_id], lazy="raise")
    sections: Mapped[list[CourseSection]] = relationship(
        back_populates="course",
        order_by="CourseSection.order",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )
    # A lesson has two owners, its course and its section. delete-orphan is on the section
    # side only: on both, a new lesson would count as an orphan unless attached to both.
    # Deleting a course still deletes its lessons (cascade "all" here, CASCADE in the database).
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", cascade="all", passive_deletes=True, lazy="raise"
    )
    # Rows of course_tag go with the course or the tag (CASCADE); the course_tag table is
    # also mapped as CourseTag, which has no relationships so the two never conflict.
    tags: Mapped[list[Tag]] = relationship(
        secondary="course_tag", order_by="Tag.name", passive_deletes=True, lazy="raise"
    )
    co_instructors: Mapped[list[CourseInstructor]] = relationship(
        back_populates="course",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class CourseTag(TimestampMixin, Base):
    """The course ↔ tag pivot. Write it through Course.tags."""

    __tablename__ = "course_tag"

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", primary_key=True, index=False)
    # Indexed: the courses of a tag (the primary key only serves lookups by course).
    tag_id: Mapped[int] = fk("tags.id", ondelete="CASCADE", primary_key=True)


class CourseInstructor(IdMixin, TimestampMixin, Base):
    """A co-instructor of a course; the owner stays courses.instructor_id."""

    __tablename__ = "course_instructors"
    __table_args__ = (UniqueConstraint("course_id", "instructor_id"),)

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # CASCADE: the link goes with the user; money already earned is kept in
    # instructor_earnings, which restricts deletion on its own.
    instructor_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    # Percent of the course's instructor revenue paid to this co-instructor.
    revenue_share: Mapped[Decimal] = percent("0")
    role: Mapped[CourseInstructorRole] = choice(
        CourseInstructorRole, CourseInstructorRole.CO_INSTRUCTOR
    )

    course: Mapped[Course] = relationship(back_populates="co_instructors", lazy="raise")
    instructor: Mapped[User] = relationship(lazy="raise")
