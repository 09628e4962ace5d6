"""The catalog's statements, built once (per shape of query and dialect) with bind parameters:
building a statement costs more than running it. ``service`` runs them and shapes the rows."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import QueryableAttribute, aliased

from lectern.catalog import search
from lectern.catalog.schemas import CatalogFilters, CatalogQuery
from lectern.kit.prebuilt import Prebuilt
from lectern.kit.schemas import PageParams
from lectern.models import (
    Category,
    Course,
    CourseInstructor,
    CourseLevel,
    CoursePriceType,
    CourseStatus,
    CourseTag,
    SearchHistory,
    Tag,
    User,
)

# -- visibility, filters and sorts -----------------------------------------------------------


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


# -- the list --------------------------------------------------------------------------------


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
CARD_KEYS = tuple(column.key for column in _CARD_COLUMNS)


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
) -> tuple[Prebuilt, Prebuilt, dict[str, Any]]:
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
def _list_statements(shape: Shape, sort: str, dialect: str) -> tuple[Prebuilt, Prebuilt]:
    matching, rank = _filtered(select(Course.id).select_from(Course), shape, dialect)
    keys = _sort_keys(sort, rank)
    if "q" not in dict(shape):
        # Counted from an index (migration 0025); the page read through the sort's index.
        page = _cards_of(matching, _order(keys)).limit(_LIMIT).offset(_OFFSET)
        count = select(func.count().label("total")).select_from(matching.subquery())
        return Prebuilt(page), Prebuilt(count)
    window = _search_window(matching, keys, sort)
    count = select(func.count().label("total")).select_from(window)
    return Prebuilt(_search_page(window, keys)), Prebuilt(count)


def _cards_of(ids: Select[Any], order: list[ColumnElement[Any]]) -> Select[Any]:
    """``ids`` (a statement over courses) with what a card shows, in ``order``."""
    return (
        ids.add_columns(
            *_CARD_COLUMNS,
            User.username.label("instructor_username"),
            User.name.label("instructor_name"),
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


PAGE_TAGS = Prebuilt(
    select(CourseTag.course_id, Tag.slug)
    .join(Tag, Tag.id == CourseTag.tag_id)
    .where(CourseTag.course_id.in_(bindparam("course_ids", expanding=True)))
    .order_by(Tag.name)
)


# A search's row of search_history (the table: with parameters, an ORM insert is a bulk one).
_SEARCHES: Any = SearchHistory.__table__
RECORD_SEARCH = Prebuilt(
    insert(_SEARCHES).values(
        {name: bindparam(name) for name in ("user_id", "query", "results_count", "filters")}
    )
)


# -- facets ----------------------------------------------------------------------------------


def facet_statements(
    filters: CatalogFilters, dialect: str
) -> tuple[
    Select[str, str, int], Select[CourseLevel, int], Select[CoursePriceType, int], dict[str, Any]
]:
    """The counts per category, level and price type of the courses ``filters`` match, and
    the values of their parameters."""
    matching, _ = _filtered(select(Course.id), _shape(filters), dialect)
    ids = matching.subquery()
    in_filter = Course.id.in_(select(ids.c.id))
    count = func.count(Course.id)
    categories = (
        select(Category.slug, Category.name, count)
        .join(Course, Course.category_id == Category.id)
        .where(in_filter)
        .group_by(Category.id, Category.slug, Category.name)
        .order_by(count.desc(), Category.name)
    )
    levels = (
        select(Course.level, count).where(in_filter).group_by(Course.level).order_by(Course.level)
    )
    price_types = (
        select(Course.price_type, count)
        .where(in_filter)
        .group_by(Course.price_type)
        .order_by(Course.price_type)
    )
    return categories, levels, price_types, _values(filters, dialect)
