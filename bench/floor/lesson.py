"""The floor of the player's lesson page (see bench.floor): Lectern's own statements
compiled for PostgreSQL, and drip's plan of the course computed by Lectern's own function
(pure Python over the rows: work Lectern does, so the floor does it too).

It serves the lessons the benchmark opens (video, audio, text, document, embed); a quiz or
assignment lesson needs one statement more, which the floor leaves out (404).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic_core import to_json

from bench.floor import Problem, Scope, args, claims_of, hundredths
from bench.floor.learning import learner
from lectern.config import AuthSettings
from lectern.learning import drip
from lectern.learning.content import service as content

_PROGRESS_VIEW = content._progress_view_upsert("postgresql")
_TRACK_KEYS = ("id", "language", "label", "kind", "is_default")
_RESOURCE_KEYS = (
    "id", "title", "description", "file_name", "file_type", "file_size", "is_downloadable",
)  # fmt: skip


async def lesson_page(
    pool: asyncpg.Pool, auth: AuthSettings, course_uuid: str, lesson_uuid: str, scope: Scope
) -> bytes:
    claims = claims_of(scope, auth)
    wanted = uuid.UUID(lesson_uuid)
    now = datetime.now(UTC)
    # The reads on their own, as Lectern's prebuilt reads; the view counted in a transaction.
    async with pool.acquire() as conn:
        user, course = await learner(conn, claims, course_uuid)
        enrollment_id = course["enrollment_id"]
        curriculum = await _curriculum(conn, course["id"], course["drip_content"])
        row = next((lesson for lesson in curriculum.lessons if lesson.uuid == wanted), None)
        if row is None:
            raise Problem(404, "no such lesson in this course")
        completed = await conn.fetch(*args(drip._COMPLETED, enrollment_id=enrollment_id))
        plan = drip.plan(
            curriculum,
            enrolled_at=course["enrollment_enrolled_at"],
            completed={found["lesson_id"] for found in completed},
            now=now,
        )
        state = plan.lessons[row.id].state
        if not row.is_free and state is drip.State.LOCKED:
            raise Problem(403, "this lesson is locked")
        lesson = await conn.fetchrow(*args(content._LESSON, lesson_id=row.id))
        if lesson is None:
            raise Problem(404, "no such lesson in this course")
        if lesson["type"] in ("quiz", "assignment"):
            raise Problem(404, "the floor serves no quiz or assignment lesson")
        resources = await conn.fetch(*args(content._RESOURCES, lesson_id=row.id))
        tracks = await conn.fetch(*args(content._TRACKS, lesson_id=row.id))
        async with conn.transaction():
            await conn.execute(*args(content._COUNT_LESSON_VIEW, lesson_id=row.id))
            values = {"user_id": user["id"], "lesson_id": row.id, "enrollment_id": enrollment_id}
            progress = await conn.fetchrow(*args(_PROGRESS_VIEW, **values, now=now))
            await conn.execute(
                *args(
                    content._ENROLLMENT_ACCESSED,
                    enrollment_id=enrollment_id,
                    lesson_id=row.id,
                    now=now,
                )
            )
    assert progress is not None  # the upsert returns the row it made or changed
    if progress["is_completed"]:
        state = drip.State.COMPLETED
    return to_json(
        _document(course["uuid"], lesson, curriculum, row, state, resources, tracks, progress)
    )


async def _curriculum(
    conn: asyncpg.Connection, course_id: int, drip_content: bool
) -> drip.Curriculum:
    """drip.load_curriculum's two statements, made a curriculum as it makes it."""
    sections = await conn.fetch(*args(drip._SECTIONS, course_id=course_id))
    lessons = await conn.fetch(*args(drip._LESSONS, course_id=course_id))
    return drip.curriculum_of(sections, lessons, drip_content)


def _document(
    course_uuid: uuid.UUID,
    lesson: asyncpg.Record,
    curriculum: drip.Curriculum,
    row: drip.LessonRow,
    state: drip.State,
    resources: list[asyncpg.Record],
    tracks: list[asyncpg.Record],
    progress: asyncpg.Record,
) -> dict[str, Any]:
    """The lesson page's document, as LessonContentOut holds it."""
    base = content.learn_path(course_uuid, lesson["uuid"])
    kind = lesson["type"]
    index = next(i for i, found in enumerate(curriculum.lessons) if found.id == row.id)
    lessons = curriculum.lessons
    qualities = lesson["video_qualities"]
    return {
        "uuid": lesson["uuid"],
        "title": lesson["title"],
        "description": lesson["description"],
        "type": kind,
        "section": {
            "id": lesson["section_id"],
            "title": next(s.title for s in curriculum.sections if s.id == lesson["section_id"]),
        },
        "duration_seconds": lesson["duration_seconds"],
        "is_free": lesson["is_free"],
        "is_downloadable": lesson["is_downloadable"],
        "state": state.value,
        "content": lesson["content"],
        "video": {
            "url": lesson["video_url"],
            "provider": lesson["video_provider"],
            "video_id": lesson["video_id"],
            "thumbnail": lesson["video_thumbnail"],
            "duration_seconds": lesson["duration_seconds"],
            "qualities": (json.loads(qualities) if isinstance(qualities, str) else qualities) or {},
        }
        if kind == "video"
        else None,
        "audio": {"url": lesson["audio_url"], "duration_seconds": lesson["audio_duration"]}
        if kind == "audio"
        else None,
        "document": {"url": lesson["document_url"], "type": lesson["document_type"]}
        if kind == "document"
        else None,
        "embed_code": lesson["embed_code"] if kind == "embed" else None,
        "tracks": [
            {**{key: track[key] for key in _TRACK_KEYS}, "url": f"{base}/tracks/{track['id']}"}
            for track in tracks
        ],
        "resources": [
            {
                **{key: resource[key] for key in _RESOURCE_KEYS},
                "download_url": f"{base}/resources/{resource['id']}"
                if resource["is_downloadable"]
                else None,
            }
            for resource in resources
        ],
        "progress": {
            "last_position": progress["last_position"],
            "watch_time": progress["watch_time"],
            "is_completed": progress["is_completed"],
            "completed_at": progress["completed_at"],
            "progress_percentage": hundredths(progress["progress_percentage"]),
            "views_count": progress["views_count"],
        },
        "quiz": None,
        "assignment": None,
        "previous_lesson": lessons[index - 1].uuid if index > 0 else None,
        "next_lesson": lessons[index + 1].uuid if index + 1 < len(lessons) else None,
    }
