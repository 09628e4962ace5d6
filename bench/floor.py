"""The floor of bench/endpoints.py: Lectern's SQL for three endpoints through a raw asyncpg
pool and the same JSON encoder (pydantic-core, which FastAPI uses to dump a response
model), in a bare ASGI callable: no framework, no ORM, no validation layer.

The statements are the ones Lectern runs (captured with ``LECTERN_DATABASE_ECHO=true``),
in the same transaction per request, selecting the same columns:

- ``GET /api/v1/courses?level=&sort=``: the count, the page (instructor and categories
  joined), the page's tags;
- ``GET /api/v1/courses/{slug}``: the course with its categories, and its tags, review
  summary and FAQs as JSON, the instructors, the curriculum, the conditional INSERT of
  the day's view;
- ``POST /api/v1/learn/{course}/lessons/{lesson}/heartbeat``: the token check (JWT and
  the user's row), the course, the co-instructor check, the enrollment, the lesson with
  the progress row and the completion threshold, the compare-and-set UPDATE of the
  progress, the watch-history upsert, the enrollment UPDATE.

Serve with ``uvicorn bench.floor:app`` and ``LECTERN_DATABASE_URL`` /
``LECTERN_JWT_KEYS`` set (bench.harness.serve does).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import jwt
from pydantic_core import to_json
from sqlalchemy.engine import make_url

from lectern.catalog.service import device_type
from lectern.config import AuthSettings, database_settings
from lectern.security.tokens import decode_access_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
SendMessage = Callable[[Message], Awaitable[None]]

PER_PAGE = 20
SORTS = {
    "popular": "courses.total_enrollments DESC",
    "rating": "courses.rating DESC, courses.total_reviews DESC",
    "newest": "courses.published_at DESC",
}

COURSE_COLUMNS = (
    "courses.id, courses.uuid, courses.instructor_id, courses.category_id, "
    "courses.subcategory_id, courses.title, courses.slug, courses.subtitle, "
    "courses.short_description, courses.description, courses.requirements, "
    "courses.what_you_learn, courses.target_audience, courses.thumbnail, courses.cover_image, "
    "courses.promo_video, courses.promo_video_type, courses.price_type, courses.price, "
    "courses.compare_price, courses.currency, courses.level, courses.language, "
    "courses.captions, courses.duration_minutes, courses.total_lectures, "
    "courses.total_sections, courses.total_resources, courses.is_published, "
    "courses.is_approved, courses.is_featured, courses.is_bestseller, courses.is_trending, "
    "courses.is_new, courses.drip_content, courses.has_certificate, courses.allow_qa, "
    "courses.allow_reviews, courses.allow_discussions, courses.access_type, "
    "courses.access_days, courses.rating, courses.total_reviews, courses.total_enrollments, "
    "courses.total_views, courses.total_wishlist, courses.meta_title, "
    "courses.meta_description, courses.meta_keywords, courses.status, "
    "courses.rejection_reason, courses.submitted_at, courses.approved_at, "
    "courses.published_at, courses.created_at, courses.updated_at, courses.deleted_at"
)


def _category_columns(alias: str) -> str:
    return ", ".join(
        f"{alias}.{column} AS {alias}_{column.strip(chr(34))}"
        for column in (
            "id", "parent_id", "name", "slug", "description", "icon", "image", "color",
            "is_featured", "is_active", '"order"', "meta", "created_at", "updated_at",
            "deleted_at",
        )
    )  # fmt: skip


USER_COLUMNS = (
    "users.id, users.uuid, users.name, users.username, users.email, users.password_hash, "
    "users.role, users.status, users.email_verified_at, users.two_factor_secret, "
    "users.two_factor_enabled_at, users.two_factor_recovery_codes, users.language, "
    "users.timezone, users.last_login_at, users.last_login_ip, users.tokens_valid_after, "
    "users.created_at, users.updated_at, users.deleted_at"
)
VISIBLE = (
    "courses.status = 'published' AND courses.is_approved IS true AND courses.deleted_at IS NULL"
)

CATALOG_COUNT = f"""SELECT count(*) FROM (SELECT courses.id FROM courses
WHERE {VISIBLE} AND courses.level = $1) AS anon_1"""  # noqa: S608 - built from constants

CATALOG_PAGE = f"""SELECT courses.id, courses.uuid, courses.slug, courses.title,
courses.subtitle, courses.thumbnail, courses.price, courses.compare_price, courses.currency,
courses.price_type, courses.level, courses.language, courses.rating, courses.total_reviews,
courses.total_enrollments, courses.duration_minutes, courses.total_lectures,
courses.is_featured, courses.is_bestseller, courses.is_trending, courses.is_new,
users.username AS u_username, users.name AS u_name,
card_category.slug AS categories_1_slug, card_subcategory.slug AS categories_2_slug
FROM courses JOIN users ON users.id = courses.instructor_id
LEFT OUTER JOIN categories AS card_category ON card_category.id = courses.category_id
LEFT OUTER JOIN categories AS card_subcategory ON card_subcategory.id = courses.subcategory_id
WHERE {VISIBLE} AND courses.level = $1 ORDER BY {{order}}, courses.id DESC
LIMIT $2::INTEGER OFFSET $3::INTEGER"""  # noqa: S608 - built from constants

PAGE_TAGS = """SELECT course_tag.course_id, tags.slug
FROM course_tag JOIN tags ON tags.id = course_tag.tag_id
WHERE course_tag.course_id IN ({ids}) ORDER BY tags.name"""


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

TOKEN_USER = f"""SELECT {USER_COLUMNS} FROM users
WHERE users.uuid = $1::UUID AND users.deleted_at IS NULL"""  # noqa: S608 - built from constants
COURSE_BY_UUID = f"""SELECT {COURSE_COLUMNS} FROM courses
WHERE courses.uuid = $1::UUID AND courses.deleted_at IS NULL"""  # noqa: S608 - built from constants
CO_INSTRUCTOR = """SELECT EXISTS (SELECT * FROM course_instructors
WHERE course_instructors.course_id = $1::BIGINT
AND course_instructors.instructor_id = $2::BIGINT)"""
ENROLLMENT = """SELECT enrollments.id, enrollments.uuid, enrollments.user_id,
enrollments.course_id, enrollments.order_id, enrollments.enrollment_type,
enrollments.price_paid, enrollments.currency, enrollments.enrolled_at, enrollments.expires_at,
enrollments.is_active, enrollments.progress_percentage, enrollments.completed_lessons,
enrollments.total_lessons, enrollments.last_accessed_at, enrollments.last_lesson_id,
enrollments.completed_at, enrollments.total_watch_time, enrollments.status,
enrollments.created_at, enrollments.updated_at, enrollments.deleted_at
FROM enrollments WHERE enrollments.user_id = $1::BIGINT AND enrollments.course_id = $2::BIGINT
AND enrollments.deleted_at IS NULL"""
LESSON_AND_PROGRESS = """SELECT lessons.id AS lesson_id, lessons.uuid AS lesson_uuid,
lessons.type AS lesson_type, lessons.duration_seconds, lessons.audio_duration,
(SELECT settings.value FROM settings WHERE settings.key = $1::VARCHAR) AS t_value,
(SELECT settings.type FROM settings WHERE settings.key = $1::VARCHAR) AS t_type,
lesson_progress.id, lesson_progress.play_id, lesson_progress.play_seq,
lesson_progress.play_watched, lesson_progress.watch_time, lesson_progress.last_position,
lesson_progress.last_watched_at, lesson_progress.progress_percentage,
lesson_progress.is_completed, lesson_progress.completed_at
FROM lessons LEFT OUTER JOIN lesson_progress ON lesson_progress.lesson_id = lessons.id
  AND lesson_progress.user_id = $2::BIGINT
WHERE lessons.uuid = $3::UUID AND lessons.course_id = $4::BIGINT AND lessons.is_published IS true
AND lessons.deleted_at IS NULL AND (EXISTS (SELECT course_sections.id FROM course_sections
  WHERE course_sections.id = lessons.section_id AND course_sections.deleted_at IS NULL
  AND course_sections.is_published IS true))"""
FIRST_PROGRESS = """INSERT INTO lesson_progress (user_id, lesson_id, enrollment_id, watch_time,
last_position, progress_percentage, views_count, last_watched_at, play_id, play_seq,
play_watched, is_completed, created_at, updated_at)
VALUES ($1, $2, $3, 0, $4, 0, 1, $5, $6, $7, $8, false, $5, $5)
ON CONFLICT DO NOTHING"""
UPDATE_PROGRESS = """UPDATE lesson_progress
SET watch_time=(lesson_progress.watch_time + $1::INTEGER),
last_position=$2::INTEGER, progress_percentage=$3::BIGINT,
views_count=(lesson_progress.views_count + $4::INTEGER),
last_watched_at=$5::TIMESTAMP WITH TIME ZONE, play_id=$6::VARCHAR, play_seq=$7::INTEGER,
play_watched=$8::INTEGER, updated_at=$9::TIMESTAMP WITH TIME ZONE
WHERE lesson_progress.id = $10::BIGINT AND lesson_progress.play_id = $11::VARCHAR
AND lesson_progress.play_seq = $12::INTEGER
RETURNING lesson_progress.id, lesson_progress.play_id, lesson_progress.play_seq,
lesson_progress.play_watched, lesson_progress.watch_time, lesson_progress.last_position,
lesson_progress.last_watched_at, lesson_progress.progress_percentage,
lesson_progress.is_completed, lesson_progress.completed_at"""
WATCH_HISTORY = """INSERT INTO watch_history (user_id, lesson_id, course_id, last_position,
duration_watched, progress_percentage, last_watched_at, created_at, updated_at)
VALUES ($1::BIGINT, $2::BIGINT, $3::BIGINT, $4::INTEGER, $5::INTEGER, $6::BIGINT,
$7::TIMESTAMP WITH TIME ZONE, $8::TIMESTAMP WITH TIME ZONE, $8::TIMESTAMP WITH TIME ZONE)
ON CONFLICT (user_id, lesson_id) DO UPDATE SET course_id = excluded.course_id,
last_position = excluded.last_position, duration_watched = excluded.duration_watched,
progress_percentage = excluded.progress_percentage, last_watched_at = excluded.last_watched_at,
updated_at = $8::TIMESTAMP WITH TIME ZONE"""
UPDATE_ENROLLMENT = """UPDATE enrollments SET last_accessed_at=$1::TIMESTAMP WITH TIME ZONE,
last_lesson_id=$2::BIGINT, total_watch_time=(enrollments.total_watch_time + $3::INTEGER),
updated_at=$4::TIMESTAMP WITH TIME ZONE WHERE enrollments.id = $5::BIGINT"""


class Problem(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def _url() -> str:
    url = make_url(os.environ["LECTERN_DATABASE_URL"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Floor:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        keys = json.loads(os.environ.get("LECTERN_JWT_KEYS", "{}"))
        self.auth = AuthSettings(jwt_keys=keys) if keys else AuthSettings()

    async def __call__(self, scope: Scope, receive: Receive, send: SendMessage) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        body = b""
        if scope["method"] == "POST":
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
        try:
            status, payload = await self.route(scope, body)
        except Problem as problem:
            status, payload = problem.status, to_json({"detail": str(problem)})
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def lifespan(self, receive: Receive, send: SendMessage) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def open(
        self, connection_class: type[asyncpg.Connection] = asyncpg.Connection, size: int = 0
    ) -> None:
        """The pool: Lectern's (LECTERN_DATABASE_POOL_SIZE, plus MAX_OVERFLOW at most)."""
        sizes = database_settings()
        self.pool = await asyncpg.create_pool(
            _url(),
            min_size=size or sizes.database_pool_size,
            max_size=size or sizes.database_pool_size + sizes.database_max_overflow,
            connection_class=connection_class,
            reset=_leave_as_is,
        )

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def route(self, scope: Scope, body: bytes) -> tuple[int, bytes]:
        parts = scope["path"].strip("/").split("/")
        method = scope["method"]
        if parts == ["health", "live"]:
            return 200, b'{"status":"ok"}'
        if parts[:3] == ["api", "v1", "courses"] and method == "GET":
            if len(parts) == 3:
                return 200, await self.catalog(_query(scope))
            if len(parts) == 4:
                return 200, await self.course_page(parts[3], scope)
        if (
            parts[:3] == ["api", "v1", "learn"]
            and len(parts) == 7
            and parts[4] == "lessons"
            and parts[6] == "heartbeat"
            and method == "POST"
        ):
            return 200, await self.heartbeat(parts[3], parts[5], scope, body)
        raise Problem(404, "not found")

    def _pool(self) -> asyncpg.Pool:
        assert self.pool is not None
        return self.pool

    # -- the catalog list ---------------------------------------------------------------------

    async def catalog(self, query: dict[str, str]) -> bytes:
        level = query.get("level", "all_levels")
        order = SORTS[query.get("sort", "popular")]
        # Reads without a transaction of their own, as Lectern's (lectern.kit.prebuilt).
        async with self._pool().acquire() as conn:
            total = await conn.fetchval(CATALOG_COUNT, level)
            rows = await conn.fetch(CATALOG_PAGE.format(order=order), level, PER_PAGE, 0)
            tags: dict[int, list[str]] = {row["id"]: [] for row in rows}
            if rows:
                ids = ", ".join(f"${n + 1}::BIGINT" for n in range(len(rows)))
                for tag in await conn.fetch(PAGE_TAGS.format(ids=ids), *tags):
                    tags[tag["course_id"]].append(tag["slug"])
        items = [
            {
                "uuid": row["uuid"],
                "slug": row["slug"],
                "title": row["title"],
                "subtitle": row["subtitle"],
                "thumbnail": row["thumbnail"],
                "price": _hundredths(row["price"]),
                "compare_price": _hundredths(row["compare_price"]),
                "currency": row["currency"],
                "price_type": row["price_type"],
                "level": row["level"],
                "language": row["language"],
                "rating": _hundredths(row["rating"]),
                "total_reviews": row["total_reviews"],
                "total_enrollments": row["total_enrollments"],
                "duration_minutes": row["duration_minutes"],
                "total_lectures": row["total_lectures"],
                "is_featured": row["is_featured"],
                "is_bestseller": row["is_bestseller"],
                "is_trending": row["is_trending"],
                "is_new": row["is_new"],
                "instructor": {"username": row["u_username"], "name": row["u_name"]},
                "category": row["categories_1_slug"],
                "subcategory": row["categories_2_slug"],
                "tags": tags[row["id"]],
            }
            for row in rows
        ]
        pages = (total + PER_PAGE - 1) // PER_PAGE
        meta = {"page": 1, "per_page": PER_PAGE, "total": total, "pages": pages}
        return to_json({"items": items, "meta": meta})

    # -- the course page ----------------------------------------------------------------------

    async def record_view(
        self, conn: asyncpg.Connection, course_id: int, scope: Scope, now: datetime
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

    async def course_page(self, slug: str, scope: Scope) -> bytes:
        now = datetime.now(UTC)
        # The reads without a transaction, the view's write in one, as Lectern's.
        async with self._pool().acquire() as conn:
            course = await conn.fetchrow(COURSE_PAGE, slug)
            if course is None:
                raise Problem(404, "no such course")
            instructors = await conn.fetch(
                COURSE_INSTRUCTORS, course["instructor_id"], course["id"]
            )
            curriculum = await conn.fetch(CURRICULUM, course["id"])
            await self.record_view(conn, course["id"], scope, now)
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
            page[key] = _hundredths(course[key])
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

    async def heartbeat(
        self, course_uuid: str, lesson_uuid: str, scope: Scope, body: bytes
    ) -> bytes:
        headers = dict(scope["headers"])
        authorization = headers.get(b"authorization", b"").decode()
        if not authorization.lower().startswith("bearer "):
            raise Problem(401, "sign in")
        try:
            claims = decode_access_token(authorization[7:], self.auth)
        except jwt.PyJWTError as exc:
            raise Problem(401, "the access token is not valid") from exc
        except Exception as exc:  # Lectern's Unauthorized
            raise Problem(401, "the access token is not valid") from exc
        beat = json.loads(body)
        play_id, seq = str(beat["play_id"]), int(beat["seq"])
        position, watched = int(beat["position"]), int(beat["watched"])
        now = datetime.now(UTC)
        async with self._pool().acquire() as conn, conn.transaction():
            user = await conn.fetchrow(TOKEN_USER, claims.subject)
            if user is None or user["status"] != "active":
                raise Problem(401, "the access token is not valid")
            course = await conn.fetchrow(COURSE_BY_UUID, uuid.UUID(course_uuid))
            if course is None:
                raise Problem(404, "no such course")
            if course["instructor_id"] != user["id"]:
                await conn.fetchval(CO_INSTRUCTOR, course["id"], user["id"])
            enrollment = await conn.fetchrow(ENROLLMENT, user["id"], course["id"])
            if enrollment is None or enrollment["status"] != "active":
                raise Problem(403, "not enrolled")
            lesson = await conn.fetchrow(
                LESSON_AND_PROGRESS,
                "learning.completion_threshold",
                user["id"],
                uuid.UUID(lesson_uuid),
                course["id"],
            )
            if lesson is None:
                raise Problem(404, "no such lesson")
            duration = max(1, int(lesson["duration_seconds"] or 0))
            credited = 0
            if lesson["id"] is None:  # the first beat
                await conn.execute(
                    FIRST_PROGRESS,
                    user["id"],
                    lesson["lesson_id"],
                    enrollment["id"],
                    position,
                    now,
                    play_id,
                    seq,
                    watched,
                )
                watch_time, last_position = 0, position
            else:
                same_play = lesson["play_id"] == play_id
                previous = int(lesson["play_watched"] or 0) if same_play else 0
                elapsed = (now - (lesson["last_watched_at"] or now)).total_seconds()
                credited = max(0, min(watched - previous, int(elapsed) + 1))
                percent = min(
                    Decimal(100), Decimal((lesson["watch_time"] + credited) * 100) / duration
                ).quantize(Decimal("0.01"))
                updated = await conn.fetchrow(
                    UPDATE_PROGRESS,
                    credited,
                    position,
                    int(percent * 100),
                    0 if same_play else 1,
                    now,
                    play_id,
                    seq,
                    watched,
                    now,
                    lesson["id"],
                    lesson["play_id"],
                    lesson["play_seq"],
                )
                if updated is None:
                    credited = 0
                    watch_time, last_position = lesson["watch_time"], lesson["last_position"]
                else:
                    watch_time, last_position = updated["watch_time"], updated["last_position"]
            percent = min(Decimal(100), Decimal(watch_time * 100) / duration).quantize(
                Decimal("0.01")
            )
            await conn.execute(
                WATCH_HISTORY,
                user["id"],
                lesson["lesson_id"],
                course["id"],
                last_position,
                watch_time,
                int(percent * 100),
                now,
                now,
            )
            await conn.execute(
                UPDATE_ENROLLMENT, now, lesson["lesson_id"], credited, now, enrollment["id"]
            )
        return to_json(
            {
                "lesson": lesson["lesson_uuid"],
                "recorded": True,
                "accepted": True,
                "credited": credited,
                "watch_time": watch_time,
                "last_position": last_position,
                "progress_percentage": percent,
                "is_completed": bool(lesson["is_completed"]),
                "completed_at": lesson["completed_at"],
                "completed_now": False,
            }
        )


async def _leave_as_is(_connection: asyncpg.Connection) -> None:
    """A connection going back to the pool: asyncpg's default resets its session state
    (one more round trip a request); SQLAlchemy's pool, Lectern's, only ends an open
    transaction, and every request here has ended its own."""


def _hundredths(stored: int | None) -> Decimal | None:
    """Money and scores are stored as integer hundredths (lectern.models.base)."""
    return None if stored is None else Decimal(stored).scaleb(-2)


def _category(row: asyncpg.Record, alias: str) -> dict[str, Any] | None:
    if row[f"{alias}_id"] is None:
        return None
    return {"slug": row[f"{alias}_slug"], "name": row[f"{alias}_name"]}


def _query(scope: Scope) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(scope.get("query_string", b"").decode()))


app = Floor()
