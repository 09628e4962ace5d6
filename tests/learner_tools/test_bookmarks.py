"""Bookmarks: only on lessons I may open, positions within the lesson, private to me."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Bookmark,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonType,
    User,
)
from tests.conftest import bearer
from tests.factories import create_course, create_enrollment, create_lesson, create_section
from tests.factories.courses import create_instructor
from tests.factories.curriculum import add_co_instructor
from tests.factories.instructors import create_admin
from tests.factories.learner_tools import (
    create_bookmark,
    create_course_lesson,
    create_public_course,
)
from tests.learner_tools.conftest import ME
from tests.queries import count_queries

URL = f"{ME}/bookmarks"


async def _count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Bookmark)) or 0)


async def test_create_and_read_a_bookmark(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    lesson: Lesson,
    enrollment: Enrollment,
) -> None:
    body = {"lesson": str(lesson.uuid), "title": " Key idea ", "note": "rewatch", "timestamp": 42}
    response = await client.post(URL, json=body, headers=bearer(student))
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["title"] == "Key idea"
    assert data["note"] == "rewatch"
    assert data["timestamp"] == 42
    assert data["lesson"] == {"uuid": str(lesson.uuid), "title": "Intro", "type": "video"}
    assert data["course"] == {"uuid": str(course.uuid), "title": "Python 101", "slug": "python-101"}
    row = await db.scalar(select(Bookmark).where(Bookmark.id == data["id"]))
    assert row is not None
    assert (row.user_id, row.lesson_id, row.course_id) == (student.id, lesson.id, course.id)

    got = await client.get(f"{URL}/{data['id']}", headers=bearer(student))
    assert got.status_code == 200
    assert got.json() == data


async def test_minimal_bookmark_and_positions_up_to_the_length(
    client: httpx.AsyncClient, student: User, lesson: Lesson, enrollment: Enrollment
) -> None:
    minimal = await client.post(URL, json={"lesson": str(lesson.uuid)}, headers=bearer(student))
    assert minimal.status_code == 201
    assert minimal.json()["timestamp"] is None
    assert minimal.json()["title"] is None
    for position in (0, 600):
        body = {"lesson": str(lesson.uuid), "timestamp": position}
        assert (await client.post(URL, json=body, headers=bearer(student))).status_code == 201


async def test_timeline_rules(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    lesson: Lesson,
    enrollment: Enrollment,
) -> None:
    text = await create_course_lesson(db, course, type=LessonType.TEXT, duration_seconds=0)
    audio = await create_course_lesson(
        db, course, type=LessonType.AUDIO, duration_seconds=0, audio_duration=90
    )
    unknown_length = await create_course_lesson(db, course, duration_seconds=0)
    cases: list[tuple[Lesson, int, int]] = [
        (lesson, 601, 422),
        (text, 0, 422),
        (audio, 91, 422),
        (audio, 90, 201),
        (unknown_length, 5000, 201),
    ]
    for target, position, status in cases:
        response = await client.post(
            URL, json={"lesson": str(target.uuid), "timestamp": position}, headers=bearer(student)
        )
        assert response.status_code == status, (target.type, position, response.text)
        if status == 422:
            assert response.json()["errors"][0]["loc"] == ["body", "timestamp"]
    text_ok = await client.post(URL, json={"lesson": str(text.uuid)}, headers=bearer(student))
    assert text_ok.status_code == 201
    assert await _count(db) == 3


async def test_bad_input_is_422_and_changes_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    lesson: Lesson,
    enrollment: Enrollment,
) -> None:
    bodies: list[dict[str, Any]] = [
        {"lesson": str(lesson.uuid), "timestamp": -1},
        {"lesson": str(lesson.uuid), "timestamp": 10**7},
        {"lesson": str(lesson.uuid), "timestamp": "soon"},
        {"lesson": str(lesson.uuid), "course": str(uuid.uuid4())},
        {"lesson": str(lesson.uuid), "user_id": 1},
        {"lesson": "not-a-uuid"},
        {"lesson": str(lesson.uuid), "title": ""},
        {"lesson": str(lesson.uuid), "title": "x" * 256},
        {"lesson": str(lesson.uuid), "note": "a\x00b"},
        {},
    ]
    for body in bodies:
        response = await client.post(URL, json=body, headers=bearer(student))
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
    unknown = await client.post(URL, json={"lesson": str(uuid.uuid4())}, headers=bearer(student))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "lesson"]
    assert await _count(db) == 0


async def test_needs_a_token(client: httpx.AsyncClient, lesson: Lesson) -> None:
    assert (await client.post(URL, json={"lesson": str(lesson.uuid)})).status_code == 401
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(f"{URL}/1")).status_code == 401
    assert (await client.patch(f"{URL}/1", json={})).status_code == 401
    assert (await client.delete(f"{URL}/1")).status_code == 401


async def test_who_may_bookmark_which_lesson(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    student: User,
    stranger: User,
    course: Course,
    lesson: Lesson,
) -> None:
    free = await create_course_lesson(db, course, is_free=True)
    hidden = await create_course_lesson(db, course, is_published=False)
    deleted = await create_course_lesson(db, course, deleted_at=utcnow())
    draft = await create_course(db, owner)
    draft_free = await create_course_lesson(db, draft, is_free=True)
    hidden_section = await create_section(db, course, is_published=False)
    in_hidden_section = await create_lesson(db, hidden_section)
    admin = await create_admin(db)  # an admin is staff of every course
    teacher = await create_instructor(db)
    await add_co_instructor(db, course, teacher)

    async def post(user: User, target: Lesson) -> httpx.Response:
        return await client.post(URL, json={"lesson": str(target.uuid)}, headers=bearer(user))

    refused = await post(stranger, lesson)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("not_enrolled")
    assert (await post(stranger, free)).status_code == 201  # a free preview
    for invisible in (hidden, deleted, draft_free, in_hidden_section):
        response = await post(stranger, invisible)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "lesson"]
    assert (await post(owner, hidden)).status_code == 201  # staff see unpublished lessons
    assert (await post(owner, draft_free)).status_code == 201
    assert (await post(admin, lesson)).status_code == 201
    assert (await post(teacher, hidden)).status_code == 201
    assert (await post(owner, deleted)).status_code == 422
    assert await _count(db) == 5


async def test_lapsed_enrollments_cannot_bookmark(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    stranger: User,
    course: Course,
    lesson: Lesson,
) -> None:
    await create_enrollment(db, student, course, status=EnrollmentStatus.REFUNDED, is_active=False)
    expired = await create_enrollment(db, stranger, course, expires_at=utcnow() - timedelta(days=1))
    refunded = await client.post(URL, json={"lesson": str(lesson.uuid)}, headers=bearer(student))
    assert refunded.status_code == 403
    assert refunded.json()["type"].endswith("enrollment_refunded")
    response = await client.post(URL, json={"lesson": str(lesson.uuid)}, headers=bearer(stranger))
    assert response.status_code == 403
    assert response.json()["type"].endswith("enrollment_expired")
    await db.refresh(expired)
    assert expired.status == EnrollmentStatus.EXPIRED  # the check's side effect stands
    assert await _count(db) == 0


async def test_enrolled_in_an_unpublished_course_still_bookmarks(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, student: User
) -> None:
    course = await create_public_course(db, owner, status=CourseStatus.UNPUBLISHED)
    lesson = await create_course_lesson(db, course)
    await create_enrollment(db, student, course)
    response = await client.post(URL, json={"lesson": str(lesson.uuid)}, headers=bearer(student))
    assert response.status_code == 201, response.text
    stored = await db.scalar(select(Bookmark).where(Bookmark.user_id == student.id))
    assert stored is not None
    assert stored.lesson_id == lesson.id
    listed = await client.get(URL, headers=bearer(student))
    assert [item["lesson"]["uuid"] for item in listed.json()["items"]] == [str(lesson.uuid)]


async def test_list_in_curriculum_order_with_filters(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    student: User,
    stranger: User,
    course: Course,
) -> None:
    second = await create_course_lesson(db, course, title="Second", section_order=2)
    first = await create_course_lesson(db, course, title="First", section_order=1)
    other_course = await create_public_course(db, owner)
    elsewhere = await create_course_lesson(db, other_course, title="Elsewhere")
    gone = await create_course_lesson(db, course, title="Gone", deleted_at=utcnow())
    await create_bookmark(db, student, second, timestamp=10)
    await create_bookmark(db, student, first, timestamp=300)
    await create_bookmark(db, student, first, timestamp=None, title="whole lesson")
    await create_bookmark(db, student, first, timestamp=5)
    await create_bookmark(db, student, elsewhere)
    await create_bookmark(db, student, gone)
    await create_bookmark(db, stranger, first, title="not mine")

    response = await client.get(URL, params={"course": str(course.uuid)}, headers=bearer(student))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["lesson"]["title"], i["timestamp"]) for i in items] == [
        ("First", None),
        ("First", 5),
        ("First", 300),
        ("Second", 10),
    ]
    assert response.json()["meta"]["total"] == 4

    everything = await client.get(URL, headers=bearer(student))
    assert everything.json()["meta"]["total"] == 5
    by_lesson = await client.get(URL, params={"lesson": str(second.uuid)}, headers=bearer(student))
    assert [i["timestamp"] for i in by_lesson.json()["items"]] == [10]
    page = await client.get(
        URL, params={"course": str(course.uuid), "per_page": 2, "page": 2}, headers=bearer(student)
    )
    assert [i["timestamp"] for i in page.json()["items"]] == [300, 10]
    assert page.json()["meta"] == {"total": 4, "page": 2, "per_page": 2, "pages": 2}
    unknown = await client.get(URL, params={"course": str(uuid.uuid4())}, headers=bearer(student))
    assert unknown.json()["items"] == []
    for bad in ({"course": "x"}, {"per_page": 101}, {"page": 0}):
        assert (await client.get(URL, params=bad, headers=bearer(student))).status_code == 422


async def test_list_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    student: User,
    course: Course,
) -> None:
    async def statements() -> int:
        with count_queries(engine) as seen:
            assert (await client.get(URL, headers=bearer(student))).status_code == 200
        return len(seen)

    lesson = await create_course_lesson(db, course)
    await create_bookmark(db, student, lesson)
    few = await statements()
    for _ in range(6):
        other = await create_course_lesson(db, course)
        await create_bookmark(db, student, other, timestamp=1)
    assert await statements() == few


async def test_update_and_clear(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    lesson: Lesson,
) -> None:
    bookmark = await create_bookmark(db, student, lesson, title="t", note="n", timestamp=10)
    url = f"{URL}/{bookmark.id}"
    change = {"timestamp": 20, "note": None}
    response = await client.patch(url, json=change, headers=bearer(student))
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["note"], response.json()["timestamp"]) == (
        "t",
        None,
        20,
    )
    for body in ({"timestamp": 601}, {"timestamp": -1}, {"lesson": str(lesson.uuid)}, {"x": 1}):
        assert (await client.patch(url, json=body, headers=bearer(student))).status_code == 422
    await db.refresh(bookmark)
    assert (bookmark.title, bookmark.note, bookmark.timestamp) == ("t", None, 20)


async def test_someone_elses_bookmark_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    stranger: User,
    lesson: Lesson,
) -> None:
    bookmark = await create_bookmark(db, student, lesson, title="mine")
    url = f"{URL}/{bookmark.id}"
    assert (await client.get(url, headers=bearer(stranger))).status_code == 404
    patched = await client.patch(url, json={"title": "stolen"}, headers=bearer(stranger))
    assert patched.status_code == 404
    assert (await client.delete(url, headers=bearer(stranger))).status_code == 404
    assert (await client.get(f"{URL}/999999999", headers=bearer(student))).status_code == 404
    assert (await client.get(f"{URL}/0", headers=bearer(student))).status_code == 422
    await db.refresh(bookmark)
    assert bookmark.title == "mine"

    assert (await client.delete(url, headers=bearer(student))).status_code == 204
    assert (await client.delete(url, headers=bearer(student))).status_code == 404
    assert await _count(db) == 0
