"""Subtitle tracks: WebVTT validation, one default per language, listing and deleting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.curriculum.content import WebVTTError, parse_webvtt
from lectern.models import Course, CourseSection, Lesson, LessonType, User, VideoTrack
from tests.conftest import bearer
from tests.curriculum.conftest import base
from tests.factories import create_lesson
from tests.factories.curriculum import create_author, create_track

VTT = (
    b"WEBVTT - English\n\n"
    b"1\n00:00:01.000 --> 00:00:04.500 align:start\nHello\n\n"
    b"01:05.250 --> 01:07.000\nWorld\n"
)


@pytest.fixture
async def lesson(db: AsyncSession, section: CourseSection) -> Lesson:
    return await create_lesson(db, section, video_url="https://v.example/1")


def url(course: Course, lesson: Lesson) -> str:
    return f"{base(course)}/lessons/{lesson.uuid}/tracks"


async def tracks(db: AsyncSession, lesson: Lesson) -> list[tuple[str, str, bool]]:
    rows = await db.execute(
        select(VideoTrack.language, VideoTrack.label, VideoTrack.is_default)
        .where(VideoTrack.lesson_id == lesson.id)
        .order_by(VideoTrack.id)
        .execution_options(populate_existing=True)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_parse_webvtt() -> None:
    cues = parse_webvtt(VTT)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 4500), (65250, 67000)]
    assert parse_webvtt(b"\xef\xbb\xbfWEBVTT\r\n\r\n10:00:00.000 --> 10:00:01.000\r\nx")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"WEBVTTX\n\n00:01.000 --> 00:02.000\nx",
        b"1\n00:00:01.000 --> 00:00:02.000\nno header",
        b"WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nSRT commas",
        b"WEBVTT\n\n00:01.000 -> 00:02.000\nx\n00:61.000 --> 00:62.000\ny",
        b"WEBVTT\n\n00:01.000 --> 00:99.000\nbad seconds",
        b"WEBVTT\n\n00:05.000 --> 00:02.000\nends before it starts",
        b"WEBVTT\n\n1:00.000 --> 2:00.000\none-digit minutes",
        b"WEBVTT\n\nno cues at all\n",
        "WEBVTT\n\n00:01.000 --> 00:02.000\nlatin-1 é".encode("latin-1"),
    ],
)
def test_parse_webvtt_refuses(content: bytes) -> None:
    with pytest.raises(WebVTTError):
        parse_webvtt(content)


async def test_upload(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
) -> None:
    response = await client.post(
        url(course, lesson),
        files={"file": ("en.vtt", VTT, "text/vtt")},
        data={
            "language": "pt-BR",
            "label": " Português ",
            "kind": "captions",
            "is_default": "true",
        },
        headers=bearer(author),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["language"], body["label"], body["kind"], body["is_default"]) == (
        "pt-BR",
        "Português",
        "captions",
        True,
    )
    assert "file_path" not in body
    [path] = list(files.rglob("*.vtt"))
    assert path.read_bytes() == VTT


async def test_invalid_webvtt_is_422(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
) -> None:
    for content in (b"hello", b"WEBVTT\n\n00:01.000 --> nope\nx", b"\xff\xfe\x00W"):
        response = await client.post(
            url(course, lesson),
            files={"file": ("x.vtt", content)},
            data={"language": "en", "label": "English"},
            headers=bearer(author),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["file"]
    assert await tracks(db, lesson) == []
    assert not files.exists() or not any(files.rglob("*.vtt"))


@pytest.mark.parametrize(
    "data",
    [
        {"language": "english", "label": "English"},
        {"language": "e", "label": "English"},
        {"language": "en_US", "label": "English"},
        {"language": "en", "label": ""},
        {"language": "en", "label": "   "},
        {"language": "en", "label": "x" * 256},
        {"language": "en", "label": "a\u0000"},
        {"language": "en", "label": "English", "kind": "chapters"},
        {"label": "English"},
        {"language": "en"},
    ],
)
async def test_bad_fields_are_422(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    lesson: Lesson,
    data: dict[str, Any],
) -> None:
    response = await client.post(
        url(course, lesson), files={"file": ("x.vtt", VTT)}, data=data, headers=bearer(author)
    )
    assert response.status_code == 422
    assert await tracks(db, lesson) == []


async def test_one_default_per_language(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    await create_track(db, lesson, language="en", label="Old English", is_default=True)
    await create_track(db, lesson, language="fr", label="Français", is_default=True)
    response = await client.post(
        url(course, lesson),
        files={"file": ("x.vtt", VTT)},
        data={"language": "en", "label": "New English", "is_default": "true"},
        headers=bearer(author),
    )
    assert response.status_code == 201
    assert await tracks(db, lesson) == [
        ("en", "Old English", False),
        ("fr", "Français", True),
        ("en", "New English", True),
    ]
    plain = await client.post(
        url(course, lesson),
        files={"file": ("x.vtt", VTT)},
        data={"language": "en", "label": "Another"},
        headers=bearer(author),
    )
    assert plain.status_code == 201
    assert (await tracks(db, lesson))[2] == ("en", "New English", True)


async def test_only_for_video_and_audio_lessons(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    text = await create_lesson(db, section, type=LessonType.TEXT, content="<p>x</p>")
    response = await client.post(
        url(course, text),
        files={"file": ("x.vtt", VTT)},
        data={"language": "en", "label": "English"},
        headers=bearer(author),
    )
    assert response.status_code == 422


async def test_list_and_delete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
) -> None:
    created = await client.post(
        url(course, lesson),
        files={"file": ("x.vtt", VTT)},
        data={"language": "en", "label": "English"},
        headers=bearer(author),
    )
    listed = await client.get(url(course, lesson), headers=bearer(author))
    assert listed.status_code == 200
    assert [t["label"] for t in listed.json()["items"]] == ["English"]
    response = await client.delete(
        f"{url(course, lesson)}/{created.json()['id']}", headers=bearer(author)
    )
    assert response.status_code == 204
    assert await tracks(db, lesson) == []
    await jobs.wait_for_jobs()  # the file is removed by a job sent after the commit
    assert not any(files.rglob("*.vtt"))
    again = await client.delete(
        f"{url(course, lesson)}/{created.json()['id']}", headers=bearer(author)
    )
    assert again.status_code == 404


async def test_another_instructors_lesson_is_not_found(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, lesson: Lesson
) -> None:
    track = await create_track(db, lesson)
    stranger = await create_author(db)
    for response in (
        await client.get(url(course, lesson), headers=bearer(stranger)),
        await client.post(
            url(course, lesson),
            files={"file": ("x.vtt", VTT)},
            data={"language": "en", "label": "English"},
            headers=bearer(stranger),
        ),
        await client.delete(f"{url(course, lesson)}/{track.id}", headers=bearer(stranger)),
    ):
        assert response.status_code == 404
    assert await tracks(db, lesson) == [("en", "English", False)]
    assert (await client.get(url(course, lesson))).status_code == 401
