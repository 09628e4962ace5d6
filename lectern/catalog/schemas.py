"""Query parameters and response bodies of the public catalog."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from lectern.kit.schemas import Output
from lectern.models import CourseLevel, CoursePriceType, LessonType

Sort = Literal["relevance", "popular", "rating", "newest", "price_asc", "price_desc"]
MAX_PRICE = Decimal("1000000000")


class CatalogFilters(BaseModel):
    """The filters of the catalog list and of its facet counts (query parameters)."""

    q: str | None = Field(None, max_length=200, description="Words to search for.")
    category: str | None = Field(
        None, max_length=255, description="A category slug; its subcategories are included."
    )
    tags: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="Tag slugs; a course matches when it has any of them.",
    )
    level: CourseLevel | None = None
    language: str | None = Field(None, max_length=12)
    price_type: CoursePriceType | None = None
    min_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE, decimal_places=2)
    max_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE, decimal_places=2)
    min_rating: Decimal | None = Field(None, ge=0, le=5, decimal_places=2)
    min_duration: int | None = Field(None, ge=0, le=1_000_000, description="Minutes.")
    max_duration: int | None = Field(None, ge=0, le=1_000_000, description="Minutes.")
    instructor: str | None = Field(
        None, max_length=50, description="Username of the owner or a co-instructor."
    )
    featured: bool | None = None
    bestseller: bool | None = None
    trending: bool | None = None
    new: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> CatalogFilters:
        given = (self.q, self.category, self.language, self.instructor, *self.tags)
        if any(value is not None and "\x00" in value for value in given):
            raise ValueError("parameters must not contain NUL characters")
        if any(len(tag) > 255 for tag in self.tags):
            raise ValueError("a tag slug has at most 255 characters")
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise ValueError("min_price must not exceed max_price")
        if (
            self.min_duration is not None
            and self.max_duration is not None
            and self.min_duration > self.max_duration
        ):
            raise ValueError("min_duration must not exceed max_duration")
        return self

    def applied(self) -> dict[str, object]:
        """The filters given (not q), as JSON-ready values, for the search history."""
        data = self.model_dump(mode="json", exclude={"q"}, exclude_none=True)
        if not data.get("tags"):
            data.pop("tags", None)
        return data


class CatalogQuery(CatalogFilters):
    sort: Sort | None = Field(
        None, description="Default: relevance with q, else popular. relevance needs q."
    )

    @model_validator(mode="after")
    def _sort_needs_q(self) -> CatalogQuery:
        if self.sort == "relevance" and not self.q:
            raise ValueError("sort=relevance needs a search query q")
        return self


# -- the list ----------------------------------------------------------------------------


class InstructorBrief(Output):
    username: str
    name: str


class CourseCard(BaseModel):
    uuid: uuid.UUID
    slug: str
    title: str
    subtitle: str | None
    thumbnail: str | None
    price: Decimal | None
    compare_price: Decimal | None
    currency: str
    price_type: CoursePriceType
    level: CourseLevel
    language: str
    rating: Decimal
    total_reviews: int
    total_enrollments: int
    duration_minutes: int
    total_lectures: int
    is_featured: bool
    is_bestseller: bool
    is_trending: bool
    is_new: bool
    instructor: InstructorBrief
    category: str | None = Field(description="The category's slug.")
    subcategory: str | None = Field(description="The subcategory's slug.")
    tags: list[str] = Field(description="Tag slugs.")


class CategoryFacet(BaseModel):
    slug: str
    name: str
    count: int


class ValueFacet(BaseModel):
    value: str
    count: int


class FacetsOut(BaseModel):
    """How many courses of the current filter fall in each category, level and price type."""

    total: int
    categories: list[CategoryFacet]
    levels: list[ValueFacet]
    price_types: list[ValueFacet]


# -- the course page ---------------------------------------------------------------------


class CatalogTagOut(BaseModel):
    slug: str
    name: str


class CatalogCategoryOut(BaseModel):
    slug: str
    name: str


class LessonPreview(BaseModel):
    """Where to watch or read a free-preview lesson (only free previews carry one)."""

    video_url: str | None
    video_provider: str | None
    video_id: str | None
    audio_url: str | None
    document_url: str | None


class LessonOutline(BaseModel):
    uuid: uuid.UUID
    title: str
    type: LessonType
    duration_seconds: int
    is_free: bool
    preview: LessonPreview | None


class SectionOutline(BaseModel):
    title: str
    duration_minutes: int
    lessons: list[LessonOutline]


class InstructorOut(BaseModel):
    username: str
    name: str
    role: Literal["owner", "primary", "co_instructor", "assistant"]
    headline: str | None
    short_bio: str | None
    avatar: str | None


class RatingSummary(BaseModel):
    """From the approved reviews: their average, count and count per star (1 to 5)."""

    average: Decimal
    count: int
    stars: dict[str, int] = Field(description='Count per whole star, "1" to "5".')


class CatalogFaqOut(BaseModel):
    question: str
    answer: str
    category: str | None


class CoursePage(BaseModel):
    uuid: uuid.UUID
    slug: str
    title: str
    subtitle: str | None
    short_description: str | None
    description: str | None
    requirements: list[object]
    what_you_learn: list[object]
    target_audience: list[object]
    thumbnail: str | None
    cover_image: str | None
    promo_video: str | None
    promo_video_type: str | None
    price: Decimal | None
    compare_price: Decimal | None
    currency: str
    price_type: CoursePriceType
    level: CourseLevel
    language: str
    captions: list[object]
    duration_minutes: int
    total_sections: int
    total_lectures: int
    total_resources: int
    total_enrollments: int
    rating: Decimal
    total_reviews: int
    has_certificate: bool
    access_type: str
    access_days: int | None
    is_featured: bool
    is_bestseller: bool
    is_trending: bool
    is_new: bool
    meta_title: str | None
    meta_description: str | None
    meta_keywords: str | None
    published_at: datetime | None
    updated_at: datetime
    category: CatalogCategoryOut | None
    subcategory: CatalogCategoryOut | None
    tags: list[CatalogTagOut]
    instructors: list[InstructorOut]
    curriculum: list[SectionOutline]
    rating_summary: RatingSummary
    faqs: list[CatalogFaqOut]
