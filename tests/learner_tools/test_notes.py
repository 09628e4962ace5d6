"""Notes: plain text with a position and colour, searchable per course, private to me."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import Course, Enrollment, Lesson, StudentNote, User
from tests.conftest import bearer
from tests.factories.learner_tools import create_course_lesson, create_note, create_public_course
from tests.learner_tools.conftest import ME
from tests.queries import count_queries

URL = f"{ME}/notes"


async def _live_notes(db: AsyncSession) -> int:
    return int(
        await db.scalar(
            select(func.count()).select_from(StudentNote).where(StudentNote.deleted_at.is_(None))
        )
        or 0
    )


async def test_create_read_update_delete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    lesson: Lesson,
    enrollment: Enrollment,
) -> None:
    body = {
        "lesson": str(lesson.uuid),
        "content": "  <b>a < b</b> & 50%  ",
        "timestamp": 12,
        "color": "#A1B2C3",
    }
    response = await client.post(URL, json=body, headers=bearer(student))
    assert response.status_code == 201, response.text
    note = response.json()
    assert note["content"] == "<b>a < b</b> & 50%"  # plain text, stored as sent (trimmed)
    assert note["color"] == "#a1b2c3"
    assert note["timestamp"] == 12
    assert note["course"]["uuid"] == str(course.uuid)
    assert note["lesson"]["uuid"] == str(lesson.uuid)
    row = await db.scalar(select(StudentNote).where(StudentNote.uuid == uuid.UUID(note["uuid"])))
    assert row is not None
    assert (row.user_id, row.course_id) == (student.id, course.id)

    url = f"{URL}/{note['uuid']}"
    assert (await client.get(url, headers=bearer(student))).json() == note
    body = {"content": "better", "color": "Yellow", "timestamp": None}
    changed = await client.patch(url, json=body, headers=bearer(student))
    assert changed.status_code == 200
    assert (changed.json()["content"], changed.json()["color"], changed.json()["timestamp"]) == (
        "better",
        "yellow",
        None,
    )
    cleared = await client.patch(url, json={"color": None}, headers=bearer(student))
    assert cleared.json()["color"] is None
    assert cleared.json()["content"] == "better"

    assert (await client.delete(url, headers=bearer(student))).status_code == 204
    await db.refresh(row)
    assert row.deleted_at is not None  # soft delete
    assert (await client.get(url, headers=bearer(student))).status_code == 404
    assert (await client.delete(url, headers=bearer(student))).status_code == 404
    listed = await client.get(URL, headers=bearer(student))
    assert listed.json()["items"] == []


async def test_bad_input_is_422_and_changes_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    lesson: Lesson,
    enrollment: Enrollment,
) -> None:
    lesson_uuid = str(lesson.uuid)
    bodies: list[dict[str, Any]] = [
        {"lesson": lesson_uuid},
        {"lesson": lesson_uuid, "content": "   "},
        {"lesson": lesson_uuid, "content": "x" * 10_001},
        {"lesson": lesson_uuid, "content": "ok", "timestamp": -5},
        {"lesson": lesson_uuid, "content": "ok", "timestamp": 601},
        {"lesson": lesson_uuid, "content": "ok", "color": "chartreuse"},
        {"lesson": lesson_uuid, "content": "ok", "color": "#12345"},
        {"lesson": lesson_uuid, "content": "ok", "color": "#12345g"},
        {"lesson": lesson_uuid, "content": "ok", "color": "red; background: url(x)"},
        {"lesson": lesson_uuid, "content": "ok", "course_id": 1},
        {"lesson": lesson_uuid, "content": "nul \x00"},
        {"lesson": str(uuid.uuid4()), "content": "ok"},
    ]
    for body in bodies:
        response = await client.post(URL, json=body, headers=bearer(student))
        assert response.status_code == 422, body
    assert await _live_notes(db) == 0
    ok = await client.post(
        URL, json={"lesson": lesson_uuid, "content": "x" * 10_000}, headers=bearer(student)
    )
    assert ok.status_code == 201


async def test_update_refusals_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, student: User, lesson: Lesson
) -> None:
    note = await create_note(db, student, lesson, content="keep", color="blue", timestamp=3)
    url = f"{URL}/{note.uuid}"
    for body in (
        {"content": None},
        {"content": ""},
        {"color": "nope"},
        {"timestamp": 601},
        {"lesson": str(lesson.uuid)},
    ):
        response = await client.patch(url, json=body, headers=bearer(student))
        assert response.status_code == 422, body
    await db.refresh(note)
    assert (note.content, note.color, note.timestamp) == ("keep", "blue", 3)


async def test_not_enrolled_cannot_write_notes(
    client: httpx.AsyncClient, db: AsyncSession, stranger: User, course: Course, lesson: Lesson
) -> None:
    response = await client.post(
        URL, json={"lesson": str(lesson.uuid), "content": "hi"}, headers=bearer(stranger)
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("not_enrolled")
    free = await create_course_lesson(db, course, is_free=True)
    preview = await client.post(
        URL, json={"lesson": str(free.uuid), "content": "hi"}, headers=bearer(stranger)
    )
    assert preview.status_code == 201
    assert await _live_notes(db) == 1


async def test_someone_elses_notes_are_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    stranger: User,
    course: Course,
    lesson: Lesson,
) -> None:
    note = await create_note(db, student, lesson, content="private thoughts")
    url = f"{URL}/{note.uuid}"
    assert (await client.get(url, headers=bearer(stranger))).status_code == 404
    patched = await client.patch(url, json={"content": "mine now"}, headers=bearer(stranger))
    assert patched.status_code == 404
    assert (await client.delete(url, headers=bearer(stranger))).status_code == 404
    theirs = await client.get(URL, params={"course": str(course.uuid)}, headers=bearer(stranger))
    assert theirs.json()["items"] == []
    found = await client.get(URL, params={"q": "private"}, headers=bearer(stranger))
    assert found.json()["meta"]["total"] == 0
    await db.refresh(note)
    assert note.content == "private thoughts"
    assert note.deleted_at is None
    assert (await client.get(url)).status_code == 401
    assert (await client.get(f"{URL}/{uuid.uuid4()}", headers=bearer(student))).status_code == 404


async def test_search_per_course(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    student: User,
    course: Course,
) -> None:
    first = await create_course_lesson(db, course, title="First", section_order=1)
    second = await create_course_lesson(db, course, title="Second", section_order=2)
    other = await create_public_course(db, owner)
    elsewhere = await create_course_lesson(db, other)
    await create_note(db, student, second, content="Decorators wrap FUNCTIONS", timestamp=9)
    await create_note(db, student, first, content="functions are objects", timestamp=100)
    await create_note(db, student, first, content="100% sure: use_underscores", timestamp=50)
    await create_note(db, student, first, content="1000 ways to say that")
    await create_note(db, student, elsewhere, content="functions elsewhere")

    async def search(**params: str) -> list[str]:
        response = await client.get(URL, params=params, headers=bearer(student))
        assert response.status_code == 200, response.text
        return [item["content"] for item in response.json()["items"]]

    course_uuid = str(course.uuid)
    assert await search(course=course_uuid, q="function") == [
        "functions are objects",
        "Decorators wrap FUNCTIONS",
    ]
    assert await search(course=course_uuid) == [
        "1000 ways to say that",
        "100% sure: use_underscores",
        "functions are objects",
        "Decorators wrap FUNCTIONS",
    ]
    # Wildcards are literal.
    assert await search(course=course_uuid, q="100%") == ["100% sure: use_underscores"]
    assert await search(course=course_uuid, q="e_u") == ["100% sure: use_underscores"]
    assert await search(course=course_uuid, q="%") == ["100% sure: use_underscores"]
    assert await search(course=course_uuid, q="\\") == []
    assert await search(q="functions") == [
        "functions are objects",
        "Decorators wrap FUNCTIONS",
        "functions elsewhere",
    ]
    assert await search(lesson=str(second.uuid)) == ["Decorators wrap FUNCTIONS"]
    for bad in ({"q": ""}, {"q": "x" * 201}, {"lesson": "nope"}):
        response = await client.get(URL, params=bad, headers=bearer(student))
        assert response.status_code == 422, bad


async def test_list_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    student: User,
    course: Course,
) -> None:
    async def statements() -> int:
        with count_queries(engine) as seen:
            response = await client.get(
                URL, params={"course": str(course.uuid), "q": "n"}, headers=bearer(student)
            )
            assert response.status_code == 200
        return len(seen)

    await create_note(db, student, await create_course_lesson(db, course))
    few = await statements()
    for _ in range(5):
        await create_note(db, student, await create_course_lesson(db, course))
    assert await statements() == few
