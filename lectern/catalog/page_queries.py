"""The course page's statements (the course with its review summary, tags and FAQs, the
instructors, the curriculum) and the view it records, prebuilt (see ``queries``)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from lectern.catalog.queries import VISIBLE
from lectern.kit.prebuilt import Prebuilt
from lectern.kit.types import UTCDateTime
from lectern.models import (
    Category,
    Course,
    CourseInstructor,
    CourseSection,
    CourseTag,
    CourseView,
    Faq,
    InstructorProfile,
    Lesson,
    Review,
    ReviewStatus,
    Tag,
    User,
    UserProfile,
)

RATING_TYPE: Any = Review.__table__.c.rating.type


# -- the course page -------------------------------------------------------------------------


def _json_object(dialect: str, *pairs: Any) -> Any:
    """A JSON object built in SQL from name, value pairs."""
    build = func.json_build_object if dialect == "postgresql" else func.json_object
    return build(*pairs)


def _as_text(dialect: str, json: Any) -> ColumnElement[str]:
    return cast(json, Text) if dialect == "postgresql" else json


def _reviews_json(dialect: str) -> ColumnElement[str]:
    """The approved reviews' count, rating total and count per star, in one pass over the
    course's reviews (a JSON object: the page needs them in one row of one statement)."""
    stars = []
    for star in range(1, 6):
        band = Review.rating >= Decimal(star)
        if star < 5:
            band = and_(band, Review.rating < Decimal(star + 1))
        stars += [str(star), func.count(Review.id).filter(band)]
    summary = _json_object(
        dialect,
        "count",
        func.count(Review.id),
        "total",
        func.coalesce(func.sum(Review.rating), Decimal(0)),
        *stars,
    )
    return (
        select(_as_text(dialect, summary))
        .where(
            Review.course_id == Course.id,
            Review.status == ReviewStatus.APPROVED,
            Review.deleted_at.is_(None),
        )
        .scalar_subquery()
    )


def _tags_json(dialect: str) -> ColumnElement[str]:
    """The course's tags as one JSON array (joined, they would repeat the course's row and
    every subquery in it once per tag)."""
    item = _json_object(dialect, "slug", Tag.slug, "name", Tag.name)
    aggregate = (
        func.json_agg(aggregate_order_by(item, Tag.name))
        if dialect == "postgresql"
        else func.json_group_array(item)
    )
    return (
        select(_as_text(dialect, aggregate))
        .join(CourseTag, CourseTag.tag_id == Tag.id)
        .where(CourseTag.course_id == Course.id)
        .scalar_subquery()
    )


def _faqs_json(dialect: str) -> ColumnElement[str]:
    """The course's published FAQs as one JSON array (text), so the page needs no query more."""
    where = (Faq.course_id == Course.id, Faq.is_published.is_(True), Faq.deleted_at.is_(None))
    if dialect == "postgresql":
        item = _json_object(
            dialect, "question", Faq.question, "answer", Faq.answer, "category", Faq.category
        )
        aggregate = func.json_agg(aggregate_order_by(item, Faq.order, Faq.id))
        return select(_as_text(dialect, aggregate)).where(*where).scalar_subquery()
    item = _json_object(
        dialect,
        "question",
        Faq.question,
        "answer",
        Faq.answer,
        "category",
        Faq.category,
        "order",
        Faq.order,
        "id",
        Faq.id,
    )
    return select(func.json_group_array(item)).where(*where).scalar_subquery()


# What a course page shows of the course's own columns, in the page's order.
PAGE_KEYS = (
    "uuid", "slug", "title", "subtitle", "short_description", "description", "requirements",
    "what_you_learn", "target_audience", "thumbnail", "cover_image", "promo_video",
    "promo_video_type", "price", "compare_price", "currency", "price_type", "level",
    "language", "captions", "duration_minutes", "total_sections", "total_lectures",
    "total_resources", "total_enrollments", "rating", "total_reviews", "has_certificate",
    "access_type", "access_days", "is_featured", "is_bestseller", "is_trending", "is_new",
    "meta_title", "meta_description", "meta_keywords", "published_at", "updated_at",
)  # fmt: skip
_PAGE_CATEGORY = aliased(Category, name="page_category")
_PAGE_SUBCATEGORY = aliased(Category, name="page_subcategory")


def _category_columns(alias: Any, prefix: str) -> list[Any]:
    return [
        alias.slug.label(f"{prefix}_slug"),
        alias.name.label(f"{prefix}_name"),
        alias.deleted_at.label(f"{prefix}_deleted_at"),
    ]


@functools.cache
def page_statement(dialect: str) -> Prebuilt:
    """The course of a slug (``:slug``) with its categories, tags, review summary and FAQs.

    Built once per dialect: building a statement this size costs more than running it."""
    return Prebuilt(
        select(
            Course.id,
            Course.instructor_id,
            *(getattr(Course, key) for key in PAGE_KEYS),
            *_category_columns(_PAGE_CATEGORY, "category"),
            *_category_columns(_PAGE_SUBCATEGORY, "subcategory"),
            _reviews_json(dialect).label("reviews"),
            _faqs_json(dialect).label("faqs"),
            _tags_json(dialect).label("tags"),
        )
        .outerjoin(_PAGE_CATEGORY, _PAGE_CATEGORY.id == Course.category_id)
        .outerjoin(_PAGE_SUBCATEGORY, _PAGE_SUBCATEGORY.id == Course.subcategory_id)
        .where(Course.slug == bindparam("slug", type_=String), VISIBLE)
    )


# The owner (``:owner_id``) and co-instructors of a course (``:course_id``). The people are
# picked by id (the owner's, and the co-instructors' through their index): an OR over the
# outer join would make PostgreSQL read every user.
_IS_OWNER = User.id == bindparam("owner_id", type_=Integer)
_COURSE_ID = bindparam("course_id", type_=Integer)
_TEAM = select(bindparam("owner_id", type_=Integer)).union(
    select(CourseInstructor.instructor_id).where(CourseInstructor.course_id == _COURSE_ID)
)
INSTRUCTORS = Prebuilt(
    select(
        User.username,
        User.name,
        _IS_OWNER.label("is_owner"),
        CourseInstructor.role,
        InstructorProfile.headline,
        InstructorProfile.short_bio,
        UserProfile.avatar,
    )
    .outerjoin(
        CourseInstructor,
        and_(CourseInstructor.instructor_id == User.id, CourseInstructor.course_id == _COURSE_ID),
    )
    .outerjoin(
        InstructorProfile,
        and_(InstructorProfile.user_id == User.id, InstructorProfile.deleted_at.is_(None)),
    )
    .outerjoin(UserProfile, UserProfile.user_id == User.id)
    .where(User.id.in_(_TEAM), or_(_IS_OWNER, CourseInstructor.id.is_not(None)))
    .where(User.deleted_at.is_(None))
    .order_by(case((_IS_OWNER, 0), else_=1), CourseInstructor.created_at, User.id)
)


CURRICULUM = Prebuilt(
    select(
        CourseSection.id,
        CourseSection.title,
        CourseSection.duration_minutes,
        Lesson.uuid,
        Lesson.title.label("lesson_title"),
        Lesson.type,
        Lesson.duration_seconds,
        Lesson.is_free,
        Lesson.video_url,
        Lesson.video_provider,
        Lesson.video_id,
        Lesson.audio_url,
        Lesson.document_url,
    )
    .outerjoin(
        Lesson,
        and_(
            Lesson.section_id == CourseSection.id,
            Lesson.is_published.is_(True),
            Lesson.deleted_at.is_(None),
        ),
    )
    .where(
        CourseSection.course_id == bindparam("course_id", type_=Integer),
        CourseSection.is_published.is_(True),
        CourseSection.deleted_at.is_(None),
    )
    .order_by(CourseSection.order, CourseSection.id, Lesson.order, Lesson.id)
)


# -- recording views -------------------------------------------------------------------------


@functools.cache
def view_insert(signed_in: bool) -> Prebuilt:
    """INSERT the day's view unless this visitor has one (parameters named as below)."""
    same_visitor: ColumnElement[bool]
    if signed_in:
        same_visitor = CourseView.user_id == bindparam("user_id", type_=Integer)
    else:
        same_visitor = and_(
            CourseView.user_id.is_(None),
            CourseView.ip_address.is_not_distinct_from(bindparam("ip", type_=String)),
            CourseView.user_agent.is_not_distinct_from(bindparam("agent", type_=String)),
        )
    course_id, today = bindparam("course_id", type_=Integer), bindparam("today", type_=Date)
    now = bindparam("now", type_=UTCDateTime)
    seen = exists().where(
        CourseView.course_id == course_id, CourseView.viewed_date == today, same_visitor
    )
    values = select(
        course_id,
        bindparam("user_id", type_=Integer),
        bindparam("ip", type_=String),
        bindparam("agent", type_=String),
        bindparam("referrer", type_=String),
        bindparam("device", type_=String),
        today,
        now,
        now,
    ).where(~seen)
    # The table, not the mapped class: with parameters, an ORM insert is a bulk insert.
    table: Any = CourseView.__table__
    columns = ["course_id", "user_id", "ip_address", "user_agent", "referrer", "device_type"]
    return Prebuilt(
        insert(table).from_select([*columns, "viewed_date", "created_at", "updated_at"], values)
    )


COUNT_VIEW = Prebuilt(
    update(Course)
    .where(Course.id == bindparam("course_id", type_=Integer))
    .values(total_views=Course.total_views + 1)
)
