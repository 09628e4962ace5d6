"""The public catalog: what visitors may see of courses, and what their visits record.

Query budget (asserted by the tests):
- the list: a count, the page (owner and categories joined), the page's tags and,
  with q, one INSERT into search_history: at most 4 statements (a search counts in the
  page's statement, apart only for a page past the end, and covers at most
  SEARCH_WINDOW matches; on PostgreSQL it first asks for plans made for its words, one
  more statement);
- the facets: three GROUP BY statements;
- a course page: the course (categories, tags, rating summary and FAQs in one statement),
  the instructors, the curriculum, then one conditional INSERT into course_views and, for
  a new view of the day, one UPDATE of courses.total_views: at most 5 statements.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Subquery,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Dialect, Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased, joinedload
from sqlalchemy.sql.dml import Insert

from lectern.catalog import schemas, search
from lectern.catalog.schemas import CatalogFilters, CatalogQuery
from lectern.errors import NotFound
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import read
from lectern.kit.types import UTCDateTime, utcnow
from lectern.models import (
    Category,
    Course,
    CourseInstructor,
    CourseSection,
    CourseStatus,
    CourseTag,
    CourseView,
    Faq,
    InstructorProfile,
    Lesson,
    Review,
    ReviewStatus,
    SearchHistory,
    Tag,
    User,
    UserProfile,
)

# -- visibility and filters --------------------------------------------------------------


# Courses the public may see: published, approved, not deleted.
VISIBLE = and_(
    Course.status == CourseStatus.PUBLISHED,
    Course.is_approved.is_(True),
    Course.deleted_at.is_(None),
)


def _category_tree() -> Select[Any]:
    """The ids of the category with slug ``:category`` and of every category below it."""
    root = (
        select(Category.id)
        .where(Category.slug == bindparam("category"), Category.deleted_at.is_(None))
        .cte("category_tree", recursive=True)
    )
    tree = root.union_all(
        select(Category.id).where(Category.parent_id == root.c.id, Category.deleted_at.is_(None))
    )
    return select(tree.c.id)


# A course without a price (free, subscription only) costs 0 for the price range and sorts.
# Spelled as the index on it is (ix_courses_price_order): a bound 0 would not match it.
_PRICE = func.coalesce(Course.price, literal_column("0"))


def _param(name: str, like: Any) -> BindParameter[Any]:
    """A bind parameter of the column ``like``'s type (its values converted as the column's)."""
    return bindparam(name, type_=like.type)


_TREE = _category_tree()
_TEACHER = select(User.id).where(User.username == bindparam("instructor")).scalar_subquery()
# Each filter with a value, over a bind parameter of its name. The list's statements are
# built once for each shape of query (which filters are given) and run with the values:
# building a statement costs more than running it.
_CONDITIONS: dict[str, ColumnElement[bool]] = {
    "category": or_(Course.category_id.in_(_TREE), Course.subcategory_id.in_(_TREE)),
    "tags": exists()
    .where(CourseTag.course_id == Course.id, CourseTag.tag_id == Tag.id)
    .where(Tag.slug.in_(bindparam("tags", expanding=True))),
    "level": Course.level == _param("level", Course.level),
    "language": Course.language == _param("language", Course.language),
    "price_type": Course.price_type == _param("price_type", Course.price_type),
    "min_price": _param("min_price", Course.price) <= _PRICE,
    "max_price": _param("max_price", Course.price) >= _PRICE,
    "min_rating": Course.rating >= _param("min_rating", Course.rating),
    "min_duration": Course.duration_minutes >= _param("min_duration", Course.duration_minutes),
    "max_duration": Course.duration_minutes <= _param("max_duration", Course.duration_minutes),
    "instructor": or_(
        Course.instructor_id == _TEACHER,
        exists().where(
            CourseInstructor.course_id == Course.id, CourseInstructor.instructor_id == _TEACHER
        ),
    ),
}
# The yes/no filters are part of the shape, value included: the SQL says IS true / IS false.
_FLAGS = {
    "featured": Course.is_featured,
    "bestseller": Course.is_bestseller,
    "trending": Course.is_trending,
    "new": Course.is_new,
}

Shape = tuple[tuple[str, Any], ...]


def _given(filters: CatalogFilters) -> dict[str, Any]:
    """The value of each filter given, by name (the flags apart)."""
    values = {name: getattr(filters, name) for name in _CONDITIONS}
    return {name: value for name, value in values.items() if value not in (None, [])}


def _shape(filters: CatalogFilters) -> Shape:
    """The filters given (the flags with their values); with q, whether it has a word."""
    given: list[tuple[str, Any]] = [(name, None) for name in _given(filters)]
    given += [
        (name, getattr(filters, name)) for name in _FLAGS if getattr(filters, name) is not None
    ]
    if filters.q is not None:
        given.append(("q", bool(search.terms(filters.q))))
    return tuple(given)


def _values(filters: CatalogFilters, dialect: str) -> dict[str, Any]:
    """The bind parameters of the filters given."""
    values = _given(filters)
    if filters.q is not None:
        values |= search.parameters(filters.q, dialect)
    return values


def _filtered(
    statement: Select[Any], shape: Shape, dialect: str
) -> tuple[Select[Any], ColumnElement[Any] | None]:
    """``statement`` restricted to the filters of ``shape``, and the relevance rank when it
    searches."""
    wanted = [VISIBLE]
    for name, value in shape:
        if name in _FLAGS:
            wanted.append(_FLAGS[name].is_(value))
        elif name in _CONDITIONS:
            wanted.append(_CONDITIONS[name])
    statement = statement.where(*wanted)
    searching = dict(shape).get("q")
    if searching is None:
        return statement, None
    match = search.restrict(statement, searching, dialect)
    return match.statement, match.rank


# A value the list is sorted by, and whether descending.
SortKey = tuple[ColumnElement[Any] | QueryableAttribute[Any], bool]


def _sort_keys(sort: str, rank: ColumnElement[Any] | None) -> list[SortKey]:
    """The list's order as (value, descending) pairs, ending with the id so it is total."""
    keys: list[SortKey]
    if sort == "relevance" and rank is not None:
        keys = [(rank, False), (Course.total_enrollments, True)]
    elif sort == "rating":
        keys = [(Course.rating, True), (Course.total_reviews, True)]
    elif sort == "newest":
        keys = [(Course.published_at, True)]
    elif sort == "price_asc":
        keys = [(_PRICE, False)]
    elif sort == "price_desc":
        keys = [(_PRICE, True)]
    else:  # popular, and relevance when nothing can match
        keys = [(Course.total_enrollments, True)]
    # The id last, the way of the key before it: the sort's index holds that order.
    return [*keys, (Course.id, keys[-1][1])]


def _order(keys: list[SortKey]) -> list[ColumnElement[Any]]:
    return [value.desc() if descending else value.asc() for value, descending in keys]


# -- the list ----------------------------------------------------------------------------


# The columns a course card shows: reading only these (not whole ORM objects) spares the
# large text and JSON columns and the ORM's bookkeeping, most of the list's CPU time.
_CARD_COLUMNS = (
    Course.uuid,
    Course.slug,
    Course.title,
    Course.subtitle,
    Course.thumbnail,
    Course.price,
    Course.compare_price,
    Course.currency,
    Course.price_type,
    Course.level,
    Course.language,
    Course.rating,
    Course.total_reviews,
    Course.total_enrollments,
    Course.duration_minutes,
    Course.total_lectures,
    Course.is_featured,
    Course.is_bestseller,
    Course.is_trending,
    Course.is_new,
)
_CARD_KEYS = tuple(column.key for column in _CARD_COLUMNS)
# Made once: building an alias of a mapped class is costly (every column is proxied).
_CATEGORY = aliased(Category, name="card_category")
_SUBCATEGORY = aliased(Category, name="card_subcategory")


# A search covers the first SEARCH_WINDOW matches in the order asked for, the most popular
# ones when sorted by relevance: ranking and counting every match of a very common word
# would cost in proportion to the catalog. Its total counts at most this many.
SEARCH_WINDOW = 1000
_LIMIT = bindparam("limit", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)


def list_statements(
    query: CatalogQuery, params: PageParams, dialect: str
) -> tuple[Select[Any], Select[Any], dict[str, Any]]:
    """The statement of a page of the list, the one counting the list, and the values of
    their parameters.

    A search's page carries its total in a ``total`` column (one pass over the window);
    its count is needed only for a page past the end, which has no row to carry it.
    """
    sort = query.sort or ("relevance" if query.q else "popular")
    page, count = _list_statements(_shape(query), sort, dialect)
    values = _values(query, dialect) | {
        "limit": params.per_page,
        "offset": params.offset,
        "window": SEARCH_WINDOW,
    }
    return page, count, values


@functools.lru_cache(maxsize=256)
def _list_statements(shape: Shape, sort: str, dialect: str) -> tuple[Select[Any], Select[Any]]:
    matching, rank = _filtered(select(Course.id).select_from(Course), shape, dialect)
    keys = _sort_keys(sort, rank)
    if "q" not in dict(shape):
        # Counted from an index (migration 0025); the page read through the sort's index.
        page = _cards_of(matching, _order(keys)).limit(_LIMIT).offset(_OFFSET)
        return page, select(func.count()).select_from(matching.subquery())
    window = _search_window(matching, keys, sort)
    return _search_page(window, keys), select(func.count()).select_from(window)


def _cards_of(ids: Select[Any], order: list[ColumnElement[Any]]) -> Select[Any]:
    """``ids`` (a statement over courses) with what a card shows, in ``order``."""
    return (
        ids.add_columns(
            *_CARD_COLUMNS,
            User.username,
            User.name,
            _CATEGORY.slug.label("category"),
            _SUBCATEGORY.slug.label("subcategory"),
        )
        .join(User, User.id == Course.instructor_id)
        .outerjoin(_CATEGORY, _CATEGORY.id == Course.category_id)
        .outerjoin(_SUBCATEGORY, _SUBCATEGORY.id == Course.subcategory_id)
        .order_by(*order)
    )


def _search_window(matching: Select[Any], keys: list[SortKey], sort: str) -> Subquery:
    """The first SEARCH_WINDOW matches in the sort's order (by popularity for relevance),
    with the sort's keys as key0, key1, …. PostgreSQL reads a common word's matches
    through the sort's index and stops at the window; a rare word's through the full-text
    index."""
    window_keys = _sort_keys("popular" if sort == "relevance" else sort, None)
    return (
        matching.add_columns(*(value.label(f"key{i}") for i, (value, _) in enumerate(keys)))
        .order_by(*_order(window_keys))
        .limit(bindparam("window", type_=Integer))
        .subquery("search_window")
    )


def _search_page(window: Subquery, keys: list[SortKey]) -> Select[Any]:
    """The page's ids ranked and counted within the window, then the cards of those ids
    only (joining the cards first would read every course of the window)."""

    def keys_of(source: Subquery) -> list[SortKey]:
        return [(source.c[f"key{i}"], descending) for i, (_, descending) in enumerate(keys)]

    ranked = (
        select(window.c.id, func.count().over().label("total"))
        .add_columns(*(key for key, _ in keys_of(window)))
        .order_by(*_order(keys_of(window)))
        .limit(_LIMIT)
        .offset(_OFFSET)
        .subquery("ranked")
    )
    ids = select(ranked.c.id, ranked.c.total).join(Course, Course.id == ranked.c.id)
    return _cards_of(ids, _order(keys_of(ranked)))


async def list_courses(
    session: AsyncSession, query: CatalogQuery, params: PageParams, user: User | None
) -> tuple[list[schemas.CourseCard], PageMeta]:
    dialect = session.get_bind().dialect.name
    page, count, values = list_statements(query, params, dialect)
    searching = query.q is not None
    if searching and dialect == "postgresql":
        await session.execute(search.PLAN_FOR_EACH_QUERY)
    rows = (await read(session, page, values)).all()
    if searching and (rows or not params.offset):
        total = rows[0].total if rows else 0
    else:
        total = int((await read(session, count, values)).scalar() or 0)
    tags = await _tag_slugs(session, [row.id for row in rows])
    if searching:
        await record_search(session, query, total, user)
    return [_card(row, tags.get(row.id, [])) for row in rows], params.meta(total)


_PAGE_TAGS = (
    select(CourseTag.course_id, Tag.slug)
    .join(Tag, Tag.id == CourseTag.tag_id)
    .where(CourseTag.course_id.in_(bindparam("course_ids", expanding=True)))
    .order_by(Tag.name)
)


async def _tag_slugs(session: AsyncSession, course_ids: list[int]) -> dict[int, list[str]]:
    """Each course's tag slugs, by tag name (one statement, none for an empty page)."""
    if not course_ids:
        return {}
    rows = await read(session, _PAGE_TAGS, {"course_ids": course_ids})
    slugs: dict[int, list[str]] = {}
    for course_id, slug in rows:
        slugs.setdefault(course_id, []).append(slug)
    return slugs


def _card(row: Row[Any], tags: list[str]) -> schemas.CourseCard:
    values = row._mapping
    return schemas.CourseCard(
        **{key: values[key] for key in _CARD_KEYS},
        instructor=schemas.InstructorBrief(username=values["username"], name=values["name"]),
        category=values["category"],
        subcategory=values["subcategory"],
        tags=tags,
    )


async def record_search(
    session: AsyncSession, query: CatalogQuery, results: int, user: User | None
) -> None:
    """One row of search_history (one INSERT statement)."""
    assert query.q is not None
    await session.execute(
        insert(SearchHistory).values(
            user_id=user.id if user is not None else None,
            query=query.q[:255],
            results_count=results,
            filters=query.applied() or None,
        )
    )


# -- facets ------------------------------------------------------------------------------


async def facets(session: AsyncSession, filters: CatalogFilters) -> schemas.FacetsOut:
    dialect = session.get_bind().dialect.name
    matching, _ = _filtered(select(Course.id), _shape(filters), dialect)
    values = _values(filters, dialect)
    ids = matching.subquery()
    in_filter = Course.id.in_(select(ids.c.id))

    count = func.count(Course.id)
    category_rows = await session.execute(
        select(Category.slug, Category.name, count)
        .join(Course, Course.category_id == Category.id)
        .where(in_filter)
        .group_by(Category.id, Category.slug, Category.name)
        .order_by(count.desc(), Category.name),
        values,
    )
    level_rows = await session.execute(
        select(Course.level, count).where(in_filter).group_by(Course.level).order_by(Course.level),
        values,
    )
    type_rows = await session.execute(
        select(Course.price_type, count)
        .where(in_filter)
        .group_by(Course.price_type)
        .order_by(Course.price_type),
        values,
    )
    levels = [schemas.ValueFacet(value=level.value, count=n) for level, n in level_rows]
    return schemas.FacetsOut(
        total=sum(facet.count for facet in levels),
        categories=[
            schemas.CategoryFacet(slug=slug, name=name, count=n) for slug, name, n in category_rows
        ],
        levels=levels,
        price_types=[schemas.ValueFacet(value=kind.value, count=n) for kind, n in type_rows],
    )


# -- the course page ---------------------------------------------------------------------

_RATING_TYPE: Any = Review.__table__.c.rating.type


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


@dataclass(frozen=True)
class Visit:
    """Who looks at a course page: the signed-in user, or an ip address and user agent."""

    user: User | None
    ip_address: str | None
    user_agent: str | None
    referrer: str | None


@functools.cache
def _page_statement(dialect: str) -> Select[Course, str, str, str]:
    """The course of a slug (``:slug``) with its categories, tags, review summary and FAQs.

    Built once per dialect: building a statement this size costs more than running it."""
    return (
        select(
            Course,
            _reviews_json(dialect).label("reviews"),
            _faqs_json(dialect).label("faqs"),
            _tags_json(dialect).label("tags"),
        )
        .where(Course.slug == bindparam("slug", type_=String), VISIBLE)
        .options(joinedload(Course.category), joinedload(Course.subcategory))
    )


async def course_page(session: AsyncSession, slug: str, visit: Visit) -> schemas.CoursePage:
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses it in text
        raise NotFound("no such course")
    statement = _page_statement(session.get_bind().dialect.name)
    row = (await session.execute(statement, {"slug": slug})).first()
    if row is None:
        raise NotFound("no such course")
    course: Course = row.Course
    summary = _rating_summary(json.loads(row.reviews), session.get_bind().dialect)

    instructors = await _instructors(session, course)
    curriculum = await _curriculum(session, course)
    await record_view(session, course, visit)

    return schemas.CoursePage(
        uuid=course.uuid,
        slug=course.slug,
        title=course.title,
        subtitle=course.subtitle,
        short_description=course.short_description,
        description=course.description,
        requirements=course.requirements or [],
        what_you_learn=course.what_you_learn or [],
        target_audience=course.target_audience or [],
        thumbnail=course.thumbnail,
        cover_image=course.cover_image,
        promo_video=course.promo_video,
        promo_video_type=course.promo_video_type,
        price=course.price,
        compare_price=course.compare_price,
        currency=course.currency,
        price_type=course.price_type,
        level=course.level,
        language=course.language,
        captions=course.captions or [],
        duration_minutes=course.duration_minutes,
        total_sections=course.total_sections,
        total_lectures=course.total_lectures,
        total_resources=course.total_resources,
        total_enrollments=course.total_enrollments,
        rating=course.rating,
        total_reviews=course.total_reviews,
        has_certificate=course.has_certificate,
        access_type=course.access_type.value,
        access_days=course.access_days,
        is_featured=course.is_featured,
        is_bestseller=course.is_bestseller,
        is_trending=course.is_trending,
        is_new=course.is_new,
        meta_title=course.meta_title,
        meta_description=course.meta_description,
        meta_keywords=course.meta_keywords,
        published_at=course.published_at,
        updated_at=course.updated_at,
        category=_category(course.category),
        subcategory=_category(course.subcategory),
        tags=_tags(row.tags),
        instructors=instructors,
        curriculum=curriculum,
        rating_summary=summary,
        faqs=_faqs(row.faqs),
    )


def _category(category: Category | None) -> schemas.CategoryOut | None:
    if category is None or category.deleted_at is not None:
        return None
    return schemas.CategoryOut(slug=category.slug, name=category.name)


def _rating_summary(reviews: dict[str, Any], dialect: Dialect) -> schemas.RatingSummary:
    count = int(reviews["count"])
    # The total is summed in SQL in the column's stored form: read it as the column does.
    total = _RATING_TYPE.process_result_value(reviews["total"], dialect) or Decimal(0)
    average = (total / count).quantize(Decimal("0.01")) if count else Decimal("0.00")
    stars = {str(star): int(reviews[str(star)]) for star in range(1, 6)}
    return schemas.RatingSummary(average=average, count=count, stars=stars)


def _tags(raw: str | None) -> list[schemas.TagOut]:
    items: list[dict[str, str]] = json.loads(raw) if raw else []
    items.sort(key=lambda item: item["name"])  # SQLite's json_group_array keeps no order
    return [schemas.TagOut(slug=item["slug"], name=item["name"]) for item in items]


def _faqs(raw: str | None) -> list[schemas.FaqOut]:
    items: list[dict[str, Any]] = json.loads(raw) if raw else []
    # SQLite's json_group_array keeps no promised order: sort here (PostgreSQL sorted already).
    if items and "order" in items[0]:
        items.sort(key=lambda item: (item["order"], item["id"]))
    return [
        schemas.FaqOut(question=item["question"], answer=item["answer"], category=item["category"])
        for item in items
    ]


# The owner (``:owner_id``) and co-instructors of a course (``:course_id``). The people are
# picked by id (the owner's, and the co-instructors' through their index): an OR over the
# outer join would make PostgreSQL read every user.
_IS_OWNER = User.id == bindparam("owner_id", type_=Integer)
_COURSE_ID = bindparam("course_id", type_=Integer)
_TEAM = select(bindparam("owner_id", type_=Integer)).union(
    select(CourseInstructor.instructor_id).where(CourseInstructor.course_id == _COURSE_ID)
)
_INSTRUCTORS = (
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


async def _instructors(session: AsyncSession, course: Course) -> list[schemas.InstructorOut]:
    """The owner, then the co-instructors in the order they joined (one statement)."""
    rows = await read(
        session, _INSTRUCTORS, {"course_id": course.id, "owner_id": course.instructor_id}
    )
    return [
        schemas.InstructorOut(
            username=username,
            name=name,
            role="owner" if owner else role.value,
            headline=headline,
            short_bio=short_bio,
            avatar=avatar,
        )
        for username, name, owner, role, headline, short_bio, avatar in rows
    ]


_CURRICULUM = (
    select(
        CourseSection.id,
        CourseSection.title,
        CourseSection.duration_minutes,
        Lesson.uuid,
        Lesson.title,
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


async def _curriculum(session: AsyncSession, course: Course) -> list[schemas.SectionOutline]:
    """Published sections with their published lessons, in order (one statement)."""
    rows = await read(session, _CURRICULUM, {"course_id": course.id})
    sections: dict[int, schemas.SectionOutline] = {}
    for row in rows:
        section = sections.get(row[0])
        if section is None:
            section = sections[row[0]] = schemas.SectionOutline(
                title=row[1], duration_minutes=row[2], lessons=[]
            )
        if row[3] is None:
            continue
        free = bool(row[7])
        section.lessons.append(
            schemas.LessonOutline(
                uuid=row[3],
                title=row[4],
                type=row[5],
                duration_seconds=row[6],
                is_free=free,
                preview=schemas.LessonPreview(
                    video_url=row[8],
                    video_provider=row[9],
                    video_id=row[10],
                    audio_url=row[11],
                    document_url=row[12],
                )
                if free
                else None,
            )
        )
    return list(sections.values())


# -- recording views ---------------------------------------------------------------------

_BOT = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python|httpx|java/|go-http|headless|monitor|preview",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|nexus (7|9|10)", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|phone|opera mini|blackberry", re.IGNORECASE)


def device_type(user_agent: str | None) -> str:
    """mobile, tablet, desktop or bot, from a User-Agent header (no header: a bot)."""
    if not user_agent or _BOT.search(user_agent):
        return "bot"
    if _TABLET.search(user_agent):
        return "tablet"
    # Android tablets leave "Mobile" out of their user agent.
    if "android" in user_agent.lower() and "mobile" not in user_agent.lower():
        return "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "desktop"


@functools.cache
def _view_insert(signed_in: bool) -> Insert:
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
    return insert(table).from_select([*columns, "viewed_date", "created_at", "updated_at"], values)


_COUNT_VIEW = (
    update(Course)
    .where(Course.id == bindparam("course_id", type_=Integer))
    .values(total_views=Course.total_views + 1)
    .execution_options(synchronize_session=False)
)


async def record_view(session: AsyncSession, course: Course, visit: Visit) -> bool:
    """Record a view unless this visitor viewed the course today; bump total_views if new.

    One conditional INSERT, plus one UPDATE for a new view. A visitor is the user when
    signed in, else the ip address and user agent. Bots are recorded but not counted in
    total_views. Two concurrent first views by one visitor may both be recorded (there is
    no unique key on course_views); the statistics tolerate that.
    """
    now = utcnow()
    agent = visit.user_agent[:500] if visit.user_agent else None
    device = device_type(agent)
    result = await session.execute(
        _view_insert(visit.user is not None),
        {
            "course_id": course.id,
            "user_id": visit.user.id if visit.user is not None else None,
            "ip": visit.ip_address[:45] if visit.ip_address else None,
            "agent": agent,
            "referrer": visit.referrer[:2048] if visit.referrer else None,
            "device": device,
            "today": now.date(),
            "now": now,
        },
    )
    new = bool(getattr(result, "rowcount", 0) == 1)
    if new and device != "bot":
        await session.execute(_COUNT_VIEW, {"course_id": course.id})
    return new
