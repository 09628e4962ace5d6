"""The floor of the catalog: the list and the course page (see bench.floor)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from pydantic_core import to_json

from bench.floor import COURSE_COLUMNS, PER_PAGE, Problem, Scope, args, hundredths
from lectern.catalog import queries
from lectern.catalog.schemas import CatalogQuery
from lectern.catalog.service import device_type
from lectern.kit.schemas import PageParams

_FIRST_PAGE = PageParams(page=1, per_page=PER_PAGE)


def _category_columns(alias: str) -> str:
    return ", ".join(
        f"{alias}.{column} AS {alias}_{column.strip(chr(34))}"
        for column in (
            "id", "parent_id", "name", "slug", "description", "icon", "image", "color",
            "is_featured", "is_active", '"order"', "meta", "created_at", "updated_at",
            "deleted_at",
        )
    )  # fmt: skip


VISIBLE = (
    "courses.status = 'published' AND courses.is_approved IS true AND courses.deleted_at IS NULL"
)


def _stars(star: int) -> str:
    # Scores are stored as integer hundredths: 4 stars is 400.
    upper = "" if star == 5 else f" AND reviews.rating < {(star + 1) * 100}"
    return f"'{star}', count(reviews.id) FILTER (WHERE reviews.rating >= {star * 100}{upper})"


COURSE_PAGE = f"""SELECT {COURSE_COLUMNS},
(SELECT CAST(json_build_object('count', count(reviews.id),
  'total', coalesce(sum(reviews.rating), 0),
  {", ".join(_stars(star) for star in range(1, 6))}) AS TEXT)
 FROM reviews WHERE reviews.course_id = courses.id AND reviews.status = 'approved'
 AND reviews.deleted_at IS NULL) AS reviews,
(SELECT CAST(json_agg(json_build_object('question', faqs.question, 'answer', faqs.answer,
  'category', faqs.category) ORDER BY faqs."order", faqs.id) AS TEXT)
 FROM faqs WHERE faqs.course_id = courses.id AND faqs.is_published IS true
 AND faqs.deleted_at IS NULL) AS faqs,
(SELECT CAST(json_agg(json_build_object('slug', tags.slug, 'name', tags.name)
  ORDER BY tags.name) AS TEXT)
 FROM tags JOIN course_tag ON course_tag.tag_id = tags.id
 WHERE course_tag.course_id = courses.id) AS tags,
{_category_columns("categories_1")}, {_category_columns("categories_2")}
FROM courses LEFT OUTER JOIN categories AS categories_1 ON categories_1.id = courses.category_id
LEFT OUTER JOIN categories AS categories_2 ON categories_2.id = courses.subcategory_id
WHERE courses.slug = $1::VARCHAR AND {VISIBLE}"""  # noqa: S608 - built from constants

COURSE_INSTRUCTORS = """SELECT users.username, users.name, users.id = $1::BIGINT AS is_owner,
course_instructors.role, instructor_profiles.headline, instructor_profiles.short_bio,
user_profiles.avatar
FROM users LEFT OUTER JOIN course_instructors ON course_instructors.instructor_id = users.id
  AND course_instructors.course_id = $2::BIGINT
LEFT OUTER JOIN instructor_profiles ON instructor_profiles.user_id = users.id
  AND instructor_profiles.deleted_at IS NULL
LEFT OUTER JOIN user_profiles ON user_profiles.user_id = users.id
WHERE (users.id = $1::BIGINT OR course_instructors.id IS NOT NULL) AND users.deleted_at IS NULL
ORDER BY CASE WHEN (users.id = $1::BIGINT) THEN 0 ELSE 1 END, course_instructors.created_at,
  users.id"""

CURRICULUM = """SELECT course_sections.id, course_sections.title, course_sections.duration_minutes,
lessons.uuid, lessons.title AS lesson_title, lessons.type, lessons.duration_seconds,
lessons.is_free, lessons.video_url, lessons.video_provider, lessons.video_id,
lessons.audio_url, lessons.document_url
FROM course_sections LEFT OUTER JOIN lessons ON lessons.section_id = course_sections.id
  AND lessons.is_published IS true AND lessons.deleted_at IS NULL
WHERE course_sections.course_id = $1::BIGINT AND course_sections.is_published IS true
  AND course_sections.deleted_at IS NULL
ORDER BY course_sections."order", course_sections.id, lessons."order", lessons.id"""

RECORD_VIEW = """INSERT INTO course_views (course_id, user_id, ip_address, user_agent, referrer,
device_type, viewed_date, created_at, updated_at)
SELECT $1::INTEGER, NULL, $2::VARCHAR, $3::VARCHAR, $4::VARCHAR, $5::VARCHAR, $6::DATE,
  $7::TIMESTAMP WITH TIME ZONE, $7::TIMESTAMP WITH TIME ZONE
WHERE NOT (EXISTS (SELECT * FROM course_views WHERE course_views.course_id = $1::BIGINT
  AND course_views.viewed_date = $6::DATE AND course_views.user_id IS NULL
  AND course_views.ip_address IS NOT DISTINCT FROM $2::VARCHAR
  AND course_views.user_agent IS NOT DISTINCT FROM $3::VARCHAR))"""
COUNT_VIEW = "UPDATE courses SET total_views = courses.total_views + 1 WHERE courses.id = $1"


# -- the catalog list ---------------------------------------------------------------------


async def catalog(pool: asyncpg.Pool, given: dict[str, str]) -> bytes:
    query = CatalogQuery(level=given.get("level"), sort=given.get("sort"))  # type: ignore[arg-type]
    page, count, values = queries.list_statements(query, _FIRST_PAGE, "postgresql")
    # Reads without a transaction of their own, as Lectern's (lectern.kit.prebuilt).
    async with pool.acquire() as conn:
        total = await conn.fetchval(*args(count, **values))
        rows = await conn.fetch(*args(page, **values))
        tags = await _tags(conn, rows)
    return _page(rows, tags, total)


async def _tags(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {row["id"]: [] for row in rows}
    if rows:
        for tag in await conn.fetch(*args(queries.PAGE_TAGS, course_ids=list(tags))):
            tags[tag["course_id"]].append(tag["slug"])
    return tags


def _page(rows: list[asyncpg.Record], tags: dict[int, list[str]], total: int) -> bytes:
    items = [
        {
            **{key: row[key] for key in queries.CARD_KEYS},
            "price": hundredths(row["price"]),
            "compare_price": hundredths(row["compare_price"]),
            "rating": hundredths(row["rating"]),
            "instructor": {"username": row["instructor_username"], "name": row["instructor_name"]},
            "category": row["category"],
            "subcategory": row["subcategory"],
            "tags": tags[row["id"]],
        }
        for row in rows
    ]
    pages = (total + PER_PAGE - 1) // PER_PAGE
    meta = {"page": 1, "per_page": PER_PAGE, "total": total, "pages": pages}
    return to_json({"items": items, "meta": meta})


# -- the course page ----------------------------------------------------------------------


async def record_view(
    conn: asyncpg.Connection, course_id: int, scope: Scope, now: datetime
) -> None:
    headers = dict(scope["headers"])
    user_agent = headers.get(b"user-agent", b"").decode() or None
    referrer = headers.get(b"referer", b"").decode() or None
    ip_address = scope["client"][0] if scope.get("client") else None
    device = device_type(user_agent)
    async with conn.transaction():
        status = await conn.execute(
            RECORD_VIEW, course_id, ip_address, user_agent, referrer, device, now.date(), now
        )
        if status.endswith(" 1") and device != "bot":  # bots are not counted
            await conn.execute(COUNT_VIEW, course_id)


async def course_page(pool: asyncpg.Pool, slug: str, scope: Scope) -> bytes:
    now = datetime.now(UTC)
    # The reads without a transaction, the view's write in one, as Lectern's.
    async with pool.acquire() as conn:
        course = await conn.fetchrow(COURSE_PAGE, slug)
        if course is None:
            raise Problem(404, "no such course")
        instructors = await conn.fetch(COURSE_INSTRUCTORS, course["instructor_id"], course["id"])
        curriculum = await conn.fetch(CURRICULUM, course["id"])
        await record_view(conn, course["id"], scope, now)
    sections: list[dict[str, Any]] = []
    last: int | None = None
    for row in curriculum:
        if row["id"] != last:
            last = row["id"]
            sections.append(
                {
                    "title": row["title"],
                    "duration_minutes": row["duration_minutes"],
                    "lessons": [],
                }
            )
        if row["uuid"] is not None:
            free = row["is_free"]
            preview = (
                {
                    "video_url": row["video_url"],
                    "video_provider": row["video_provider"],
                    "video_id": row["video_id"],
                    "audio_url": row["audio_url"],
                    "document_url": row["document_url"],
                }
                if free
                else None
            )
            sections[-1]["lessons"].append(
                {
                    "uuid": row["uuid"],
                    "title": row["lesson_title"],
                    "type": row["type"],
                    "duration_seconds": row["duration_seconds"],
                    "is_free": free,
                    "preview": preview,
                }
            )
    reviews = json.loads(course["reviews"])
    count, total = int(reviews["count"]), Decimal(reviews["total"]).scaleb(-2)
    average = (total / count).quantize(Decimal("0.01")) if count else Decimal("0.00")
    page = {
        key: course[key]
        for key in (
            "uuid", "slug", "title", "subtitle", "short_description", "description",
            "thumbnail", "cover_image", "promo_video", "promo_video_type", "price",
            "compare_price", "currency", "price_type", "level", "language",
            "duration_minutes", "total_sections", "total_lectures", "total_resources",
            "total_enrollments", "rating", "total_reviews", "has_certificate", "access_type",
            "access_days", "is_featured", "is_bestseller", "is_trending", "is_new",
            "meta_title", "meta_description", "meta_keywords", "published_at", "updated_at",
        )
    }  # fmt: skip
    for key in ("price", "compare_price", "rating"):
        page[key] = hundredths(course[key])
    for key in ("requirements", "what_you_learn", "target_audience", "captions"):
        page[key] = json.loads(course[key]) if course[key] else []
    page["category"] = _category(course, "categories_1")
    page["subcategory"] = _category(course, "categories_2")
    page["tags"] = json.loads(course["tags"]) if course["tags"] else []
    page["instructors"] = [
        {
            "username": row["username"],
            "name": row["name"],
            "role": "owner" if row["is_owner"] else row["role"],
            "headline": row["headline"],
            "short_bio": row["short_bio"],
            "avatar": row["avatar"],
        }
        for row in instructors
    ]
    page["curriculum"] = sections
    page["rating_summary"] = {
        "average": average,
        "count": count,
        "stars": {str(star): int(reviews[str(star)]) for star in range(1, 6)},
    }
    page["faqs"] = json.loads(course["faqs"]) if course["faqs"] else []
    return to_json(page)


# -- the heartbeat ------------------------------------------------------------------------


def _category(row: asyncpg.Record, alias: str) -> dict[str, Any] | None:
    if row[f"{alias}_id"] is None:
        return None
    return {"slug": row[f"{alias}_slug"], "name": row[f"{alias}_name"]}


# -- search ---------------------------------------------------------------------------------
# Lectern's own statements, compiled for PostgreSQL: the page of the search window with its
# total, the page's tags, the row of search history; planned for the words of each query.
async def search(pool: asyncpg.Pool, q: str) -> bytes:
    query = CatalogQuery(q=q)
    page, _, values = queries.list_statements(query, _FIRST_PAGE, "postgresql")
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = await conn.fetch(*args(page, **values))
        total = rows[0]["total"] if rows else 0
        tags = await _tags(conn, rows)
        recorded = {"user_id": None, "query": q[:255], "results_count": total, "filters": None}
        await conn.execute(*args(queries.RECORD_SEARCH, **recorded))
    return _page(rows, tags, total)
