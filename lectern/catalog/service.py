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

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.catalog import schemas, search
from lectern.catalog.page_queries import (
    COUNT_VIEW,
    CURRICULUM,
    INSTRUCTORS,
    PAGE_KEYS,
    RATING_TYPE,
    page_statement,
    view_insert,
)
from lectern.catalog.queries import (
    CARD_KEYS,
    PAGE_TAGS,
    RECORD_SEARCH,
    facet_statements,
    list_statements,
)
from lectern.catalog.schemas import CatalogFilters, CatalogQuery
from lectern.errors import NotFound
from lectern.kit.schemas import PageParams
from lectern.kit.types import utcnow
from lectern.models import User

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
    await RECORD_SEARCH.execute(
        session,
        user_id=user.id if user is not None else None,
        query=query.q[:255],
        results_count=results,
        filters=query.applied() or None,
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


async def course_page(session: AsyncSession, slug: str, visit: Visit) -> dict[str, Any]:
    """The page as ``CoursePage`` serialises it."""
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses it in text
        raise NotFound("no such course")
    dialect = session.get_bind().dialect
    row = await page_statement(dialect.name).first(session, slug=slug)
    if row is None:
        raise NotFound("no such course")
    page = {key: row[key] for key in PAGE_KEYS}
    for key in ("requirements", "what_you_learn", "target_audience", "captions"):
        page[key] = page[key] or []
    page["category"] = _category(row, "category")
    page["subcategory"] = _category(row, "subcategory")
    page["tags"] = _tags(row["tags"])
    page["instructors"] = await _instructors(session, row["id"], row["instructor_id"])
    page["curriculum"] = await _curriculum(session, row["id"])
    page["rating_summary"] = _rating_summary(json.loads(row["reviews"]), dialect)
    page["faqs"] = _faqs(row["faqs"])
    await record_view(session, row["id"], visit)
    return page


def _category(row: dict[str, Any], prefix: str) -> dict[str, str] | None:
    if row[f"{prefix}_slug"] is None or row[f"{prefix}_deleted_at"] is not None:
        return None
    return {"slug": row[f"{prefix}_slug"], "name": row[f"{prefix}_name"]}


def _rating_summary(reviews: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    count = int(reviews["count"])
    # The total is summed in SQL in the column's stored form: read it as the column does.
    total = RATING_TYPE.process_result_value(reviews["total"], dialect) or Decimal(0)
    average = (total / count).quantize(Decimal("0.01")) if count else Decimal("0.00")
    stars = {str(star): int(reviews[str(star)]) for star in range(1, 6)}
    return {"average": average, "count": count, "stars": stars}


def _tags(raw: str | None) -> list[dict[str, str]]:
    items: list[dict[str, str]] = json.loads(raw) if raw else []
    items.sort(key=lambda item: item["name"])  # SQLite's json_group_array keeps no order
    return [{"slug": item["slug"], "name": item["name"]} for item in items]


def _faqs(raw: str | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(raw) if raw else []
    # SQLite's json_group_array keeps no promised order: sort here (PostgreSQL sorted already).
    if items and "order" in items[0]:
        items.sort(key=lambda item: (item["order"], item["id"]))
    return [
        {"question": item["question"], "answer": item["answer"], "category": item["category"]}
        for item in items
    ]


async def _instructors(
    session: AsyncSession, course_id: int, owner_id: int
) -> list[dict[str, Any]]:
    """The owner, then the co-instructors in the order they joined (one statement)."""
    rows = await INSTRUCTORS.rows(session, course_id=course_id, owner_id=owner_id)
    return [
        {
            "username": row["username"],
            "name": row["name"],
            "role": "owner" if row["is_owner"] else row["role"],
            "headline": row["headline"],
            "short_bio": row["short_bio"],
            "avatar": row["avatar"],
        }
        for row in rows
    ]


async def _curriculum(session: AsyncSession, course_id: int) -> list[dict[str, Any]]:
    """Published sections with their published lessons, in order (one statement)."""
    sections: dict[int, dict[str, Any]] = {}
    for row in await CURRICULUM.rows(session, course_id=course_id):
        section = sections.get(row["id"])
        if section is None:
            section = sections[row["id"]] = {
                "title": row["title"],
                "duration_minutes": row["duration_minutes"],
                "lessons": [],
            }
        if row["uuid"] is None:
            continue
        free = bool(row["is_free"])
        preview = None
        if free:
            preview = {key: row[key] for key in PREVIEW_KEYS}
        section["lessons"].append(
            {
                "uuid": row["uuid"],
                "title": row["lesson_title"],
                "type": row["type"],
                "duration_seconds": row["duration_seconds"],
                "is_free": free,
                "preview": preview,
            }
        )
    return list(sections.values())


PREVIEW_KEYS = ("video_url", "video_provider", "video_id", "audio_url", "document_url")


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


async def record_view(session: AsyncSession, course_id: int, visit: Visit) -> bool:
    """Record a view unless this visitor viewed the course today; bump total_views if new.

    One conditional INSERT, plus one UPDATE for a new view. A visitor is the user when
    signed in, else the ip address and user agent. Bots are recorded but not counted in
    total_views. Two concurrent first views by one visitor may both be recorded (there is
    no unique key on course_views); the statistics tolerate that.
    """
    now = utcnow()
    agent = visit.user_agent[:500] if visit.user_agent else None
    device = device_type(agent)
    inserted = await view_insert(visit.user is not None).execute(
        session,
        course_id=course_id,
        user_id=visit.user.id if visit.user is not None else None,
        ip=visit.ip_address[:45] if visit.ip_address else None,
        agent=agent,
        referrer=visit.referrer[:2048] if visit.referrer else None,
        device=device,
        today=now.date(),
        now=now,
    )
    new = inserted == 1
    if new and device != "bot":
        await COUNT_VIEW.execute(session, course_id=course_id)
    return new
