"""The floor of learning: the heartbeat and the learner's dashboard (see bench.floor)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from pydantic_core import to_json

from bench.floor import (
    PER_PAGE,
    USER_COLUMNS,
    Problem,
    Scope,
    args,
    claims_of,
    hundredths,
)
from lectern.config import AuthSettings
from lectern.learning import access
from lectern.learning.enrollments import dashboard
from lectern.security.tokens import AccessClaims

TOKEN_USER = f"""SELECT {USER_COLUMNS} FROM users
WHERE users.uuid = $1::UUID AND users.deleted_at IS NULL"""  # noqa: S608 - built from constants
# The course, the co-instructor check and the enrollment: Lectern's own statement.
COURSE_AND_STANDING = access._COURSE_AND_STANDING
_LIVE = ("active", "completed")
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


async def learner(
    conn: asyncpg.Connection, claims: AccessClaims, course_uuid: str
) -> tuple[asyncpg.Record, asyncpg.Record]:
    """The token's user and the course with their standing in it (two statements): 401
    without an active user, 404 without the course, 403 without a live enrollment."""
    user = await conn.fetchrow(TOKEN_USER, claims.subject)
    if user is None or user["status"] != "active":
        raise Problem(401, "the access token is not valid")
    course = await conn.fetchrow(
        *args(COURSE_AND_STANDING, course_uuid=uuid.UUID(course_uuid), user_id=user["id"])
    )
    if course is None:
        raise Problem(404, "no such course")
    if (
        course["enrollment_id"] is None
        or course["enrollment_status"] not in _LIVE
        or not course["enrollment_is_active"]
    ):
        raise Problem(403, "enroll in this course to open its lessons")
    return user, course


async def heartbeat(
    pool: asyncpg.Pool,
    auth: AuthSettings,
    course_uuid: str,
    lesson_uuid: str,
    scope: Scope,
    body: bytes,
) -> bytes:
    claims = claims_of(scope, auth)
    beat = json.loads(body)
    play_id, seq = str(beat["play_id"]), int(beat["seq"])
    position, watched = int(beat["position"]), int(beat["watched"])
    now = datetime.now(UTC)
    # Reads on their own, as Lectern's prebuilt reads; the writes in one transaction.
    async with pool.acquire() as conn:
        user, course = await learner(conn, claims, course_uuid)
        enrollment_id = course["enrollment_id"]
        lesson = await conn.fetchrow(
            LESSON_AND_PROGRESS,
            "learning.completion_threshold",
            user["id"],
            uuid.UUID(lesson_uuid),
            course["id"],
        )
        if lesson is None:
            raise Problem(404, "no such lesson")
        async with conn.transaction():
            duration = max(1, int(lesson["duration_seconds"] or 0))
            credited = 0
            if lesson["id"] is None:  # the first beat
                await conn.execute(
                    FIRST_PROGRESS,
                    user["id"],
                    lesson["lesson_id"],
                    enrollment_id,
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
                UPDATE_ENROLLMENT, now, lesson["lesson_id"], credited, now, enrollment_id
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


# -- the learner's dashboard ----------------------------------------------------------------
# Lectern's own statements, compiled for PostgreSQL: the count, the page, the next lessons.
_PAGE, _COUNT = dashboard._learner_page("-last_activity", False)
_NEXT_LESSONS = dashboard._LESSON_BRIEFS
_CARD_KEYS = (
    "uuid", "enrollment_type", "status", "is_active", "enrolled_at", "expires_at",
    "completed_at", "last_accessed_at", "completed_lessons", "total_lessons",
    "total_watch_time",
)  # fmt: skip


async def dashboard_page(pool: asyncpg.Pool, auth: AuthSettings, scope: Scope) -> bytes:
    claims = claims_of(scope, auth)
    now = datetime.now(UTC)
    # Without a transaction, as Lectern's prebuilt reads (the token's user too).
    async with pool.acquire() as conn:
        user = await conn.fetchrow(TOKEN_USER, claims.subject)
        if user is None or user["status"] != "active":
            raise Problem(401, "the access token is not valid")
        values = {"user_id": user["id"], "status": None, "now": now}
        total = await conn.fetchval(*args(_COUNT, **values))
        rows = await conn.fetch(*args(_PAGE, **values, limit=PER_PAGE, offset=0))
        ids = sorted({row["next_lesson_id"] for row in rows if row["next_lesson_id"]})
        lessons = {}
        if ids:
            for lesson in await conn.fetch(*args(_NEXT_LESSONS, ids=ids)):
                lessons[lesson["id"]] = {"uuid": lesson["uuid"], "title": lesson["title"]}
    items = []
    for row in rows:
        card: dict[str, Any] = {key: row[key] for key in _CARD_KEYS}
        card["progress_percentage"] = hundredths(row["progress_percentage"])
        card["course"] = {
            "uuid": row["course_uuid"],
            "slug": row["slug"],
            "title": row["title"],
            "thumbnail": row["thumbnail"],
            "instructor": {"name": row["instructor_name"], "username": row["instructor_username"]},
        }
        card["next_lesson"] = lessons.get(row["next_lesson_id"])
        items.append(card)
    pages = (total + PER_PAGE - 1) // PER_PAGE
    meta = {"total": total, "page": 1, "per_page": PER_PAGE, "pages": pages}
    return to_json({"items": items, "meta": meta})
