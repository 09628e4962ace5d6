"""Lessons: typed fields, sanitising, drip, edit, delete, reorder, move, and the totals."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, CourseSection, Lesson, User
from tests.conftest import bearer
from tests.curriculum.conftest import base, fresh, orders
from tests.factories import create_lesson, create_section
from tests.factories.curriculum import create_author

VIDEO = {"title": "Intro", "type": "video", "video_url": "https://videos.example/intro.mp4"}


async def lesson_count(db: AsyncSession, course: Course) -> int:
    return int(
        await db.scalar(select(func.count(Lesson.id)).where(Lesson.course_id == course.id)) or 0
    )


async def test_create_in_a_section(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    url = f"{base(course)}/sections/{section.id}/lessons"
    first = await client.post(url, json={**VIDEO, "duration_seconds": 61}, headers=bearer(author))
    second = await client.post(
        url, json={**VIDEO, "title": "Next", "duration_seconds": 60}, headers=bearer(author)
    )
    assert first.status_code == second.status_code == 201, first.text
    body = second.json()
    assert (body["order"], body["section_id"], body["type"]) == (1, section.id, "video")
    assert "id" not in body
    assert "course_id" not in body
    assert await orders(db, section) == [("Intro", 0), ("Next", 1)]
    totals = await fresh(db, Course, course.id)
    assert (totals.total_lectures, totals.duration_minutes) == (2, 3)  # 121 s → 3 min
    assert (await fresh(db, CourseSection, section.id)).duration_minutes == 3


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "video", "video_provider": "youtube", "video_id": "dQw4w9WgXcQ"},
        {"type": "audio", "audio_url": "https://a.example/x.mp3", "audio_duration": 30},
        {"type": "document", "document_url": "http://d.example/x.pdf", "document_type": "pdf"},
        {"type": "text", "content": "<p>Hello</p>"},
        {"type": "embed", "embed_code": '<iframe src="https://player.example/1"></iframe>'},
        {"type": "quiz"},
        {"type": "assignment"},
        {"type": "live_class"},
        {"type": "scorm"},
    ],
)
async def test_each_type_with_its_fields(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    payload: Any,
) -> None:
    response = await client.post(
        f"{base(course)}/sections/{section.id}/lessons",
        json={"title": "L", **payload},
        headers=bearer(author),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    stored = await db.scalar(select(Lesson).where(Lesson.uuid == uuid.UUID(body["uuid"])))
    assert stored is not None
    assert (stored.section_id, stored.type.value) == (section.id, payload["type"])
    for name, value in payload.items():
        if name != "content":  # stored sanitised (rich text), checked by its own tests
            assert body[name] == value, name
            assert getattr(stored, name) == value or str(getattr(stored, name)) == value, name


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "video"}, "video_url"),
        ({"type": "video", "video_provider": "youtube"}, "video_url"),
        ({"type": "video", "video_id": "abc"}, "video_url"),
        ({"type": "audio"}, "audio_url"),
        ({"type": "audio", "video_url": "https://v.example/1"}, "audio_url"),
        ({"type": "document"}, "document_url"),
        ({"type": "text"}, "content"),
        ({"type": "text", "content": "<script>alert(1)</script>"}, "content"),
        ({"type": "embed"}, "embed_code"),
    ],
)
async def test_each_type_needs_its_fields(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    payload: Any,
    field: str,
) -> None:
    response = await client.post(
        f"{base(course)}/sections/{section.id}/lessons",
        json={"title": "L", **payload},
        headers=bearer(author),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == [field]
    assert await lesson_count(db, course) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"title": ""},
        {"title": "x" * 256},
        {"title": "a\u0000"},
        {"type": "podcast"},
        {"duration_seconds": -1},
        {"audio_duration": -5},
        {"duration_seconds": "long"},
        {"video_url": "javascript:alert(1)"},
        {"video_url": "ftp://files.example/v.mp4"},
        {"video_url": "/relative/path"},
        {"video_url": "https://v.example/" + "x" * 2048},
        {"video_thumbnail": "data:image/png;base64,AAAA"},
        {"video_qualities": {"720p": "file:///etc/passwd"}},
        {"video_provider": "You Tube"},
        {"uuid": "00000000-0000-0000-0000-000000000000"},
        {"course_id": 1},
        {"total_views": 10},
        {"embed_code": "<script>alert(1)</script>"},
        {"embed_code": '<iframe src="http://insecure.example/"></iframe>'},
        {"embed_code": '<iframe src="//cdn.example/x"></iframe>'},
        {"drip_date": "2030-01-01"},
    ],
)
async def test_create_refuses_bad_input(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    payload: Any,
) -> None:
    response = await client.post(
        f"{base(course)}/sections/{section.id}/lessons",
        json={**VIDEO, **payload} if payload else {},
        headers=bearer(author),
    )
    assert response.status_code == 422, payload
    assert await lesson_count(db, course) == 0


async def test_embed_code_is_sanitised(
    client: httpx.AsyncClient, author: User, course: Course, section: CourseSection
) -> None:
    code = (
        '<div><iframe src="https://player.example/v/1" width="640" height="360" '
        'allow="autoplay" allowfullscreen title="Talk" onload="steal()" style="x"></iframe>'
        '<script>alert(1)</script><iframe src="javascript:alert(1)"></iframe></div>'
    )
    response = await client.post(
        f"{base(course)}/sections/{section.id}/lessons",
        json={"title": "E", "type": "embed", "embed_code": code},
        headers=bearer(author),
    )
    assert response.status_code == 201, response.text
    clean = response.json()["embed_code"]
    assert 'src="https://player.example/v/1"' in clean
    for kept in ('width="640"', 'title="Talk"', "allowfullscreen"):
        assert kept in clean
    for gone in ("onload", "style", "<script", "javascript:", "<div"):
        assert gone not in clean


async def test_text_content_is_sanitised(
    client: httpx.AsyncClient, author: User, course: Course, section: CourseSection
) -> None:
    response = await client.post(
        f"{base(course)}/sections/{section.id}/lessons",
        json={
            "title": "T",
            "type": "text",
            "content": '<p onclick="x()">Hi <b>there</b><script>bad()</script>'
            '<a href="javascript:bad()">link</a></p>',
        },
        headers=bearer(author),
    )
    assert response.status_code == 201
    content = response.json()["content"]
    assert "<b>there</b>" in content
    for gone in ("onclick", "<script", "javascript:"):
        assert gone not in content


async def test_lesson_drip(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    before = await create_lesson(db, section, title="Before", video_id="a", video_provider="yt")
    url = f"{base(course)}/sections/{section.id}/lessons"
    response = await client.post(
        url,
        json={
            **VIDEO,
            "drip_enabled": True,
            "drip_type": "after_lesson",
            "drip_after_lesson": str(before.uuid),
        },
        headers=bearer(author),
    )
    assert response.status_code == 201, response.text
    assert response.json()["drip_after_lesson"] == str(before.uuid)
    created = await client.get(
        f"{base(course)}/lessons/{response.json()['uuid']}", headers=bearer(author)
    )
    assert created.json()["drip_after_lesson"] == str(before.uuid)
    for payload, field in (
        ({"drip_enabled": True}, "drip_type"),
        ({"drip_type": "days_after_enrollment"}, "drip_days"),
        ({"drip_type": "date"}, "drip_date"),
        ({"drip_type": "after_lesson"}, "drip_after_lesson"),
    ):
        refused = await client.post(url, json={**VIDEO, **payload}, headers=bearer(author))
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"] == [field]
    days = await client.post(
        url,
        json={**VIDEO, "drip_type": "days_after_enrollment", "drip_days": 7},
        headers=bearer(author),
    )
    assert days.status_code == 201


async def test_lesson_drip_pointer_must_stay_in_the_course(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    other_course: Course,
) -> None:
    foreign = await create_lesson(db, await create_section(db, other_course), video_id="x")
    lesson = await create_lesson(db, section, video_url="https://v.example/1")
    for pointer in (foreign.uuid, lesson.uuid, "00000000-0000-4000-8000-000000000000"):
        response = await client.patch(
            f"{base(course)}/lessons/{lesson.uuid}",
            json={"drip_type": "after_lesson", "drip_after_lesson": str(pointer)},
            headers=bearer(author),
        )
        assert response.status_code == 422, pointer
        assert response.json()["errors"][0]["loc"] == ["drip_after_lesson"]
    row = await fresh(db, Lesson, lesson.id)
    assert (row.drip_type, row.drip_after_lesson_id) == (None, None)


async def test_edit(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    lesson = await create_lesson(db, section, video_url="https://v.example/1")
    response = await client.patch(
        f"{base(course)}/lessons/{lesson.uuid}",
        json={"title": "Reading", "type": "text", "content": "<p>Read this</p>", "is_free": True},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    row = await fresh(db, Lesson, lesson.id)
    assert (row.title, row.type, row.is_free) == ("Reading", "text", True)


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "document"},  # the result would lack document_url
        {"video_url": None},  # a video without its URL
        {"title": None},
        {"duration_seconds": None},
        {"duration_seconds": -1},
        {"order": 4},
        {"section_id": 1},
    ],
)
async def test_edit_refuses_bad_input(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    payload: Any,
) -> None:
    lesson = await create_lesson(db, section, title="Same", video_url="https://v.example/1")
    response = await client.patch(
        f"{base(course)}/lessons/{lesson.uuid}", json=payload, headers=bearer(author)
    )
    assert response.status_code == 422
    row = await fresh(db, Lesson, lesson.id)
    assert (row.title, row.type, row.video_url) == ("Same", "video", "https://v.example/1")


async def test_delete_is_soft_and_updates_totals(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    a = await create_lesson(db, section, title="A", order=0, video_id="a", video_provider="yt")
    b = await create_lesson(
        db, section, title="B", order=1, video_id="b", video_provider="yt", duration_seconds=600
    )
    c = await create_lesson(
        db, section, title="C", order=2, video_id="c", video_provider="yt",
        drip_type="after_lesson", drip_after_lesson_id=b.id,
    )  # fmt: skip
    await client.patch(f"{base(course)}/lessons/{a.uuid}", json={}, headers=bearer(author))
    assert (await fresh(db, Course, course.id)).duration_minutes == 10
    response = await client.delete(f"{base(course)}/lessons/{b.uuid}", headers=bearer(author))
    assert response.status_code == 204
    assert await orders(db, section) == [("A", 0), ("C", 1)]
    assert (await fresh(db, Lesson, b.id)).deleted_at is not None
    assert (await fresh(db, Lesson, c.id)).drip_after_lesson_id is None
    totals = await fresh(db, Course, course.id)
    assert (totals.total_lectures, totals.duration_minutes) == (2, 0)
    gone = await client.get(f"{base(course)}/lessons/{b.uuid}", headers=bearer(author))
    assert gone.status_code == 404


async def test_unpublished_lessons_do_not_count(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    url = f"{base(course)}/sections/{section.id}/lessons"
    await client.post(url, json={**VIDEO, "duration_seconds": 300}, headers=bearer(author))
    await client.post(
        url, json={**VIDEO, "duration_seconds": 900, "is_published": False}, headers=bearer(author)
    )
    totals = await fresh(db, Course, course.id)
    assert (totals.total_lectures, totals.duration_minutes) == (1, 5)


async def test_reorder_within_a_section(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    a = await create_lesson(db, section, title="A", order=0)
    b = await create_lesson(db, section, title="B", order=1)
    c = await create_lesson(db, section, title="C", order=2)
    response = await client.post(
        f"{base(course)}/sections/{section.id}/lessons/reorder",
        json={"lesson_uuids": [str(b.uuid), str(c.uuid), str(a.uuid)]},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    assert [lesson["title"] for lesson in response.json()["lessons"]] == ["B", "C", "A"]
    assert await orders(db, section) == [("B", 0), ("C", 1), ("A", 2)]


async def test_reorder_refuses_lessons_of_another_course_or_section(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    other_course: Course,
) -> None:
    a = await create_lesson(db, section, title="A", order=0)
    b = await create_lesson(db, section, title="B", order=1)
    foreign = await create_lesson(db, await create_section(db, other_course))
    elsewhere = await create_lesson(db, await create_section(db, course, title="Other"))
    for uuids in (
        [b.uuid, a.uuid, foreign.uuid],
        [b.uuid, foreign.uuid],
        [b.uuid, a.uuid, elsewhere.uuid],
        [b.uuid],
        [b.uuid, a.uuid, a.uuid],
    ):
        response = await client.post(
            f"{base(course)}/sections/{section.id}/lessons/reorder",
            json={"lesson_uuids": [str(u) for u in uuids]},
            headers=bearer(author),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["lesson_uuids"]
    assert await orders(db, section) == [("A", 0), ("B", 1)]


async def test_move_to_another_section(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    target = await create_section(db, course, title="Target", order=1)
    a = await create_lesson(db, section, title="A", order=0, duration_seconds=60)
    b = await create_lesson(db, section, title="B", order=1, duration_seconds=120)
    c = await create_lesson(db, section, title="C", order=2)
    x = await create_lesson(db, target, title="X", order=0)
    y = await create_lesson(db, target, title="Y", order=1)
    response = await client.post(
        f"{base(course)}/lessons/{b.uuid}/move",
        json={"section_id": target.id, "position": 1},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    assert response.json()["section_id"] == target.id
    assert await orders(db, section) == [("A", 0), ("C", 1)]
    assert await orders(db, target) == [("X", 0), ("B", 1), ("Y", 2)]
    assert (await fresh(db, Lesson, b.id)).course_id == course.id
    assert (await fresh(db, CourseSection, section.id)).duration_minutes == 1
    assert (await fresh(db, CourseSection, target.id)).duration_minutes == 2
    end = await client.post(
        f"{base(course)}/lessons/{a.uuid}/move",
        json={"section_id": target.id},
        headers=bearer(author),
    )
    assert end.status_code == 200
    assert await orders(db, target) == [("X", 0), ("B", 1), ("Y", 2), ("A", 3)]
    assert await orders(db, section) == [("C", 0)]
    assert {x.id, y.id, c.id}  # untouched rows keep their identity


async def test_move_within_the_same_section(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    a = await create_lesson(db, section, title="A", order=0)
    await create_lesson(db, section, title="B", order=1)
    response = await client.post(
        f"{base(course)}/lessons/{a.uuid}/move",
        json={"section_id": section.id, "position": 5},
        headers=bearer(author),
    )
    assert response.status_code == 200
    assert await orders(db, section) == [("B", 0), ("A", 1)]


async def test_move_refuses_a_section_of_another_course(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    other_course: Course,
) -> None:
    lesson = await create_lesson(db, section, title="A")
    foreign = await create_section(db, other_course)
    response = await client.post(
        f"{base(course)}/lessons/{lesson.uuid}/move",
        json={"section_id": foreign.id},
        headers=bearer(author),
    )
    assert response.status_code == 404
    bad = await client.post(
        f"{base(course)}/lessons/{lesson.uuid}/move",
        json={"section_id": section.id, "position": -1},
        headers=bearer(author),
    )
    assert bad.status_code == 422
    assert (await fresh(db, Lesson, lesson.id)).section_id == section.id


async def test_another_instructors_lessons_are_not_found(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, section: CourseSection
) -> None:
    lesson = await create_lesson(db, section, title="Mine", video_id="a", video_provider="yt")
    stranger = await create_author(db)
    headers = bearer(stranger)
    url = f"{base(course)}/lessons/{lesson.uuid}"
    for response in (
        await client.get(url, headers=headers),
        await client.patch(url, json={"title": "Theirs"}, headers=headers),
        await client.delete(url, headers=headers),
        await client.post(f"{url}/move", json={"section_id": section.id}, headers=headers),
        await client.post(
            f"{base(course)}/sections/{section.id}/lessons", json=VIDEO, headers=headers
        ),
    ):
        assert response.status_code == 404
    row = await fresh(db, Lesson, lesson.id)
    assert (row.title, row.deleted_at) == ("Mine", None)
    assert (await client.get(url)).status_code == 401
