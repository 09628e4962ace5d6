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

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.catalog import schemas, search
from lectern.catalog.queries import (
    CARD_KEYS,
    COUNT_VIEW,
    CURRICULUM,
    INSTRUCTORS,
    PAGE_TAGS,
    RATING_TYPE,
    facet_statements,
    list_statements,
    page_statement,
    view_insert,
)
from lectern.catalog.schemas import CatalogFilters, CatalogQuery
from lectern.errors import NotFound
from lectern.kit.schemas import PageParams
from lectern.kit.sql import read
from lectern.kit.types import utcnow
from lectern.models import Category, Course, SearchHistory, User

# -- the list ----------------------------------------------------------------------------


async def list_courses(
    session: AsyncSession, query: CatalogQuery, params: PageParams, user: User | None
) -> dict[str, Any]:
    """A page of course cards as ``Page[CourseCard]`` serialises it."""
    dialect = session.get_bind().dialect.name
    page, count, values = list_statements(query, params, dialect)
    searching = query.q is not None
    if searching and dialect == "postgresql":
        await search.PLAN_FOR_EACH_QUERY.execute(session)
    rows = await page.rows(session, **values)
    if searching and (rows or not params.offset):
        total = rows[0]["total"] if rows else 0
    else:
        total = int(await count.scalar(session, **values) or 0)
    tags = await _tag_slugs(session, [row["id"] for row in rows])
    if searching:
        await record_search(session, query, total, user)
    cards = [_card(row, tags.get(row["id"], [])) for row in rows]
    return {"items": cards, "meta": params.meta(total).model_dump()}


async def _tag_slugs(session: AsyncSession, course_ids: list[int]) -> dict[int, list[str]]:
    """Each course's tag slugs, by tag name (one statement, none for an empty page)."""
    if not course_ids:
        return {}
    slugs: dict[int, list[str]] = {}
    for row in await PAGE_TAGS.rows(session, course_ids=course_ids):
        slugs.setdefault(row["course_id"], []).append(row["slug"])
    return slugs


def _card(row: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    """A ``CourseCard`` from its row."""
    card = {key: row[key] for key in CARD_KEYS}
    card["instructor"] = {"username": row["instructor_username"], "name": row["instructor_name"]}
    card["category"] = row["category"]
    card["subcategory"] = row["subcategory"]
    card["tags"] = tags
    return card


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
    categories, levels_query, types, values = facet_statements(
        filters, session.get_bind().dialect.name
    )
    category_rows = await session.execute(categories, values)
    level_rows = await session.execute(levels_query, values)
    type_rows = await session.execute(types, values)
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


@dataclass(frozen=True)
class Visit:
    """Who looks at a course page: the signed-in user, or an ip address and user agent."""

    user: User | None
    ip_address: str | None
    user_agent: str | None
    referrer: str | None


async def course_page(session: AsyncSession, slug: str, visit: Visit) -> schemas.CoursePage:
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses it in text
        raise NotFound("no such course")
    statement = page_statement(session.get_bind().dialect.name)
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


def _category(category: Category | None) -> schemas.CatalogCategoryOut | None:
    if category is None or category.deleted_at is not None:
        return None
    return schemas.CatalogCategoryOut(slug=category.slug, name=category.name)


def _rating_summary(reviews: dict[str, Any], dialect: Dialect) -> schemas.RatingSummary:
    count = int(reviews["count"])
    # The total is summed in SQL in the column's stored form: read it as the column does.
    total = RATING_TYPE.process_result_value(reviews["total"], dialect) or Decimal(0)
    average = (total / count).quantize(Decimal("0.01")) if count else Decimal("0.00")
    stars = {str(star): int(reviews[str(star)]) for star in range(1, 6)}
    return schemas.RatingSummary(average=average, count=count, stars=stars)


def _tags(raw: str | None) -> list[schemas.CatalogTagOut]:
    items: list[dict[str, str]] = json.loads(raw) if raw else []
    items.sort(key=lambda item: item["name"])  # SQLite's json_group_array keeps no order
    return [schemas.CatalogTagOut(slug=item["slug"], name=item["name"]) for item in items]


def _faqs(raw: str | None) -> list[schemas.CatalogFaqOut]:
    items: list[dict[str, Any]] = json.loads(raw) if raw else []
    # SQLite's json_group_array keeps no promised order: sort here (PostgreSQL sorted already).
    if items and "order" in items[0]:
        items.sort(key=lambda item: (item["order"], item["id"]))
    return [
        schemas.CatalogFaqOut(
            question=item["question"], answer=item["answer"], category=item["category"]
        )
        for item in items
    ]


async def _instructors(session: AsyncSession, course: Course) -> list[schemas.InstructorOut]:
    """The owner, then the co-instructors in the order they joined (one statement)."""
    rows = await read(
        session, INSTRUCTORS, {"course_id": course.id, "owner_id": course.instructor_id}
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


async def _curriculum(session: AsyncSession, course: Course) -> list[schemas.SectionOutline]:
    """Published sections with their published lessons, in order (one statement)."""
    rows = await read(session, CURRICULUM, {"course_id": course.id})
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
        view_insert(visit.user is not None),
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
        await session.execute(COUNT_VIEW, {"course_id": course.id})
    return new
