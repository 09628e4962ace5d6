"""Request and response bodies of course authoring, co-instructors, links, FAQs and review.

Courses are addressed by uuid in the studio, and by slug when one course names another
(prerequisites, related courses); categories and tags by slug; users by uuid. Integer ids
stay internal, except a FAQ's (FAQs have no uuid and live inside their course).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from lectern.kit.currencies import CurrencyCode
from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Output, Patch
from lectern.models import (
    CourseAccessType,
    CourseInstructorRole,
    CourseLevel,
    CoursePriceType,
    CourseStatus,
    RelatedCourseRelationship,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$"
_UNSAFE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data|file):", re.IGNORECASE)

Slug = Annotated[str, Field(min_length=1, max_length=200, pattern=SLUG_PATTERN)]
Title = Annotated[str, Field(min_length=1, max_length=255)]
Line = Annotated[str, Field(min_length=1, max_length=500)]
Bullets = Annotated[list[Line], Field(max_length=50)]
Language = Annotated[str, Field(min_length=2, max_length=12, pattern=LANGUAGE_PATTERN)]
Image = Annotated[str, Field(min_length=1, max_length=1024)]
Video = Annotated[str, Field(min_length=1, max_length=2048)]
CENT = Decimal("0.01")
Amount = Annotated[
    Decimal,
    Field(gt=0, le=Decimal("1000000"), decimal_places=2),
    AfterValidator(lambda value: value.quantize(CENT)),
]
Share = Annotated[
    Decimal,
    Field(ge=0, le=100, decimal_places=2),
    AfterValidator(lambda value: value.quantize(CENT)),
]
Order = Annotated[int, Field(ge=0, le=100_000)]

# Content fields: owner, co-instructors and admins may set them.
CONTENT_FIELDS = frozenset(
    {
        "title",
        "slug",
        "subtitle",
        "short_description",
        "description",
        "requirements",
        "what_you_learn",
        "target_audience",
        "thumbnail",
        "cover_image",
        "promo_video",
        "promo_video_type",
        "level",
        "language",
        "captions",
        "drip_content",
        "has_certificate",
        "certificate_valid_months",
        "allow_qa",
        "allow_reviews",
        "allow_discussions",
        "access_type",
        "access_days",
        "meta_title",
        "meta_description",
        "meta_keywords",
        "category",
        "subcategory",
        "tags",
    }
)
# Pricing: the owner and admins only.
PRICING_FIELDS = frozenset({"price_type", "price", "compare_price", "currency"})
# Marketing flags: admins only.
ADMIN_FIELDS = frozenset({"is_featured", "is_bestseller", "is_trending", "is_new"})


def _check_url(value: str | None) -> str | None:
    if value is not None and _UNSAFE_SCHEME.match(value):
        raise ValueError("javascript:, vbscript:, data: and file: references are not accepted")
    return value


class _CourseFields(Patch):
    subtitle: Title | None = None
    short_description: Line | None = None
    description: Annotated[RichText, StringConstraints(max_length=50_000)] | None = None
    requirements: Bullets | None = None
    what_you_learn: Bullets | None = None
    target_audience: Bullets | None = None

    thumbnail: Image | None = None
    cover_image: Image | None = None
    promo_video: Video | None = None
    promo_video_type: Annotated[str, Field(max_length=32, pattern=r"^[a-z0-9_]+$")] | None = Field(
        None, description="Where the promo video is hosted: youtube, vimeo, upload ..."
    )

    price: Amount | None = Field(None, description="Decimal string; paid courses only.")
    compare_price: Amount | None = Field(
        None, description="The struck-through price; above price, paid courses only."
    )
    currency: CurrencyCode | None = None

    captions: Annotated[list[Language], Field(max_length=50)] | None = None

    access_days: Annotated[int, Field(ge=1, le=36_500)] | None = Field(
        None, description="Required when access_type is limited, and only then."
    )
    certificate_valid_months: Annotated[int, Field(ge=1, le=600)] | None = Field(
        None, description="How long its certificates stay valid; null: for good."
    )

    meta_title: Title | None = None
    meta_description: Line | None = None
    meta_keywords: Line | None = None

    category: Slug | None = Field(None, description="A top-level category's slug.")
    subcategory: Slug | None = Field(None, description="A child of category, by slug.")
    tags: Annotated[list[Slug], Field(max_length=20)] | None = Field(
        None, description="Tag slugs (replaces the course's tags)."
    )

    is_featured: bool | None = Field(None, description="Admins only.")
    is_bestseller: bool | None = Field(None, description="Admins only.")
    is_trending: bool | None = Field(None, description="Admins only.")
    is_new: bool | None = Field(None, description="Admins only.")

    _urls = field_validator("thumbnail", "cover_image", "promo_video")(_check_url)

    @field_validator("tags")
    @classmethod
    def _distinct_tags(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("tags must not repeat")
        return value


class CourseCreate(_CourseFields):
    title: Title
    slug: Slug | None = Field(
        None, description="Defaults to a unique slug made from the title (-2, -3 ... appended)."
    )
    price_type: CoursePriceType = CoursePriceType.FREE
    level: CourseLevel = CourseLevel.ALL_LEVELS
    language: Language = "en"
    drip_content: bool = False
    has_certificate: bool = True
    allow_qa: bool = True
    allow_reviews: bool = True
    allow_discussions: bool = True
    access_type: CourseAccessType = CourseAccessType.LIFETIME


class CourseUpdate(_CourseFields):
    """Only the fields sent change; ``null`` clears a nullable field. The slug never changes
    with the title; send ``slug`` to change it."""

    title: Title | None = None
    slug: Slug | None = None
    price_type: CoursePriceType | None = None
    level: CourseLevel | None = None
    language: Language | None = None
    drip_content: bool | None = None
    has_certificate: bool | None = None
    allow_qa: bool | None = None
    allow_reviews: bool | None = None
    allow_discussions: bool | None = None
    access_type: CourseAccessType | None = None

    not_null = (
        "title",
        "slug",
        "price_type",
        "level",
        "language",
        "currency",
        "drip_content",
        "has_certificate",
        "allow_qa",
        "allow_reviews",
        "allow_discussions",
        "access_type",
        "is_featured",
        "is_bestseller",
        "is_trending",
        "is_new",
        "tags",
    )


class PersonOut(Output):
    uuid: uuid.UUID
    name: str
    username: str


class CourseTagOut(Output):
    slug: str
    name: str


class CoInstructorOut(Output):
    user: PersonOut
    role: CourseInstructorRole
    revenue_share: Decimal


class CourseOut(Output):
    uuid: uuid.UUID
    slug: str
    title: str
    subtitle: str | None
    short_description: str | None
    description: str | None
    requirements: list[Any] | None
    what_you_learn: list[Any] | None
    target_audience: list[Any] | None

    thumbnail: str | None
    cover_image: str | None
    promo_video: str | None
    promo_video_type: str | None

    price_type: CoursePriceType
    price: Decimal | None
    compare_price: Decimal | None
    currency: str

    level: CourseLevel
    language: str
    captions: list[Any] | None
    duration_minutes: int
    total_lectures: int
    total_sections: int
    total_resources: int

    is_published: bool
    is_approved: bool
    is_featured: bool
    is_bestseller: bool
    is_trending: bool
    is_new: bool
    drip_content: bool
    has_certificate: bool
    certificate_valid_months: int | None
    allow_qa: bool
    allow_reviews: bool
    allow_discussions: bool

    access_type: CourseAccessType
    access_days: int | None

    rating: Decimal
    total_reviews: int
    total_enrollments: int
    total_views: int
    total_wishlist: int

    meta_title: str | None
    meta_description: str | None
    meta_keywords: str | None

    status: CourseStatus
    rejection_reason: str | None
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    category: str | None
    subcategory: str | None
    tags: list[CourseTagOut]
    instructor: PersonOut
    co_instructors: list[CoInstructorOut]


# -- co-instructors ---------------------------------------------------------------------

InviteRole = Literal["co_instructor", "assistant"]


class CoInstructorCreate(Input):
    user: uuid.UUID = Field(description="The uuid of an approved instructor's user account.")
    role: InviteRole = "co_instructor"
    revenue_share: Share = Field(
        Decimal(0),
        description="Percent of the course's instructor revenue; the shares of a course's "
        "co-instructors add up to at most 100, the owner keeps the rest.",
    )


class CoInstructorUpdate(Patch):
    role: InviteRole | None = None
    revenue_share: Share | None = None

    not_null = ("role", "revenue_share")


# -- prerequisites and related courses ------------------------------------------------------


class LinkedCourseOut(Output):
    uuid: uuid.UUID
    slug: str
    title: str
    status: CourseStatus


class PrerequisiteCreate(Input):
    course: Slug = Field(description="The slug of the course to complete first.")
    is_required: bool = True
    order: Order | None = Field(None, description="Defaults to after the last one.")


class PrerequisiteOut(Output):
    course: LinkedCourseOut
    is_required: bool
    order: int


class RelatedCreate(Input):
    course: Slug = Field(description="The slug of the related course.")
    relationship: RelatedCourseRelationship = RelatedCourseRelationship.SIMILAR
    order: Order | None = Field(None, description="Defaults to after the last one.")


class RelatedOut(Output):
    course: LinkedCourseOut
    relationship: RelatedCourseRelationship
    order: int


# -- FAQs -------------------------------------------------------------------------------------

Question = Annotated[str, Field(min_length=1, max_length=500)]
Answer = Annotated[RichText, StringConstraints(min_length=1, max_length=10_000)]
FaqCategory = Annotated[str, Field(min_length=1, max_length=100)]


class FaqCreate(Input):
    question: Question
    answer: Answer
    category: FaqCategory | None = None
    is_published: bool = True
    order: Order | None = Field(None, description="Defaults to after the last one.")


class FaqUpdate(Patch):
    question: Question | None = None
    answer: Answer | None = None
    category: FaqCategory | None = None
    is_published: bool | None = None
    order: Order | None = None

    not_null = ("question", "answer", "is_published", "order")


class FaqReorder(Input):
    """Every (not deleted) FAQ of the course, by id, in the new order."""

    ids: Annotated[list[Annotated[int, Field(ge=1, le=2**62)]], Field(min_length=1, max_length=500)]

    @field_validator("ids")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("ids must not repeat")
        return value


class FaqOut(Output):
    id: int
    question: str
    answer: str
    category: str | None
    is_published: bool
    order: int
    helpful_count: int
    created_at: datetime
    updated_at: datetime


# -- review -------------------------------------------------------------------------------------


class CourseRejectionIn(Input):
    reason: Annotated[str, Field(min_length=1, max_length=5000)]
