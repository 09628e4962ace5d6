"""Drip through HTTP: locked lessons answer 403 ``lesson_locked`` with the reason and the
unlock date, and the outline shows the same lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import Course, CourseSection, Enrollment, Lesson, LessonProgress, User
from tests.conftest import bearer
from tests.factories import create_lesson, create_section
from tests.factories.learning_content import complete_lesson
from tests.learning.content.conftest import fresh, learn


def when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


async def outline_lesson(
    client: httpx.AsyncClient, course: Course, user: User, lesson: Lesson
) -> dict[str, Any]:
    response = await client.get(learn(course), headers=bearer(user))
    assert response.status_code == 200, response.text
    for section in response.json()["sections"]:
        for item in section["lessons"]:
            if item["uuid"] == str(lesson.uuid):
                return dict(item)
    raise AssertionError("lesson not in the outline")


async def assert_locked(
    client: httpx.AsyncClient, course: Course, user: User, lesson: Lesson
) -> dict[str, Any]:
    """The lesson answers 403 lesson_locked; returns the problem body."""
    response = await client.get(learn(course, lesson), headers=bearer(user))
    assert response.status_code == 403, response.text
    body = dict(response.json())
    assert body["type"].endswith("/lesson_locked")
    return body


async def is_open(client: httpx.AsyncClient, course: Course, user: User, lesson: Lesson) -> bool:
    response = await client.get(learn(course, lesson), headers=bearer(user))
    assert response.status_code in (200, 403), response.text
    return response.status_code == 200


async def dripping(
    db: AsyncSession, course: Course, section: CourseSection, **values: Any
) -> Lesson:
    course.drip_content = True
    values.setdefault("title", "Week 2")
    values.setdefault("order", 1)
    return await create_lesson(db, section, drip_enabled=True, **values)


async def test_days_after_enrollment(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrolled_at = utcnow() - timedelta(days=2)
    enrollment.enrolled_at = enrolled_at
    later = await dripping(db, course, section, drip_type="days_after_enrollment", drip_days=7)
    await db.flush()
    opens = enrolled_at + timedelta(days=7)

    body = await assert_locked(client, course, student, later)
    assert body["reason"] == "drip_schedule"
    assert abs(when(body["unlocks_at"]) - opens) < timedelta(seconds=1)  # type: ignore[operator]
    assert body["after_lesson"] is None
    assert body["after_section"] is None
    assert opens.date().isoformat() in body["detail"]

    item = await outline_lesson(client, course, student, later)
    assert item["state"] == "locked"
    assert item["lock"]["reason"] == "drip_schedule"
    assert abs(when(item["lock"]["unlocks_at"]) - opens) < timedelta(seconds=1)  # type: ignore[operator]
    assert await is_open(client, course, student, lesson)

    # Time passes: enrolled 8 days ago, the lesson is open.
    enrollment.enrolled_at = utcnow() - timedelta(days=8)
    await db.flush()
    assert await is_open(client, course, student, later)
    assert (await outline_lesson(client, course, student, later))["state"] == "available"


async def test_locked_refusal_counts_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
) -> None:
    later = await dripping(db, course, section, drip_type="days_after_enrollment", drip_days=7)
    await db.flush()
    await assert_locked(client, course, student, later)
    assert (await fresh(db, Lesson, later.id)).total_views == 0
    assert (await fresh(db, Enrollment, enrollment.id)).last_lesson_id is None


async def test_fixed_date(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
) -> None:
    opens = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    later = await dripping(db, course, section, drip_type="date", drip_date=opens)
    await db.flush()
    body = await assert_locked(client, course, student, later)
    assert when(body["unlocks_at"]) == opens
    item = await outline_lesson(client, course, student, later)
    assert when(item["lock"]["unlocks_at"]) == opens

    later.drip_date = utcnow() - timedelta(minutes=1)
    await db.flush()
    assert await is_open(client, course, student, later)


async def test_section_on_a_date_locks_the_section_and_its_lessons(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    course.drip_content = True
    opens = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    week2 = await create_section(
        db, course, title="Week 2", order=1, drip_enabled=True, drip_type="date", drip_date=opens
    )
    inside = await create_lesson(db, week2, title="Inside")
    await db.flush()
    body = await assert_locked(client, course, student, inside)
    assert body["reason"] == "drip_schedule"
    assert when(body["unlocks_at"]) == opens

    outline = (await client.get(learn(course), headers=bearer(student))).json()
    section = outline["sections"][1]
    assert section["state"] == "locked"
    assert when(section["lock"]["unlocks_at"]) == opens
    assert section["lessons"][0]["state"] == "locked"


async def test_after_section(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    course.drip_content = True
    second = await create_lesson(db, section, title="Second", order=1)
    week2 = await create_section(
        db,
        course,
        title="Week 2",
        order=1,
        drip_enabled=True,
        drip_type="after_section",
        drip_after_section_id=section.id,
    )
    inside = await create_lesson(db, week2, title="Inside")
    await db.flush()

    body = await assert_locked(client, course, student, inside)
    assert body["reason"] == "after_section"
    assert body["after_section"] == section.id
    assert body["unlocks_at"] is None
    assert "Basics" in body["detail"]
    outline = (await client.get(learn(course), headers=bearer(student))).json()
    assert outline["sections"][1]["lock"]["after_section"] == section.id

    await complete_lesson(db, enrollment, lesson)
    await assert_locked(client, course, student, inside)  # one lesson of two is not enough
    await complete_lesson(db, enrollment, second)
    assert await is_open(client, course, student, inside)


async def test_after_lesson(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    later = await dripping(
        db, course, section, drip_type="after_lesson", drip_after_lesson_id=lesson.id
    )
    await db.flush()
    body = await assert_locked(client, course, student, later)
    assert body["reason"] == "after_lesson"
    assert body["after_lesson"] == str(lesson.uuid)
    assert "Intro" in body["detail"]
    item = await outline_lesson(client, course, student, later)
    assert item["lock"]["after_lesson"] == str(lesson.uuid)

    await complete_lesson(db, enrollment, lesson)
    assert await is_open(client, course, student, later)
    assert (await outline_lesson(client, course, student, lesson))["state"] == "completed"


async def test_locked_by_instructor(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    lesson.is_locked = True  # applies without drip_content
    await db.flush()
    body = await assert_locked(client, course, student, lesson)
    assert body["reason"] == "locked_by_instructor"
    assert body["unlocks_at"] is None
    outline = (await client.get(learn(course), headers=bearer(student))).json()
    assert outline["next_lesson"] is None


async def test_prerequisite_and_completion_unlock_the_next(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    lesson.is_prerequisite = True
    second = await create_lesson(db, section, title="Second", order=1)
    third = await create_lesson(db, section, title="Third", order=2)
    await db.flush()
    for later in (second, third):
        body = await assert_locked(client, course, student, later)
        assert body["reason"] == "after_lesson"
        assert body["after_lesson"] == str(lesson.uuid)
    outline = (await client.get(learn(course), headers=bearer(student))).json()
    assert outline["next_lesson"]["uuid"] == str(lesson.uuid)

    await complete_lesson(db, enrollment, lesson)
    assert await is_open(client, course, student, second)
    assert await is_open(client, course, student, third)
    outline = (await client.get(learn(course), headers=bearer(student))).json()
    assert outline["next_lesson"]["uuid"] == str(second.uuid)


async def test_a_progress_row_not_completed_does_not_unlock(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    lesson.is_prerequisite = True
    second = await create_lesson(db, section, title="Second", order=1)
    db.add(
        LessonProgress(
            user_id=student.id, lesson_id=lesson.id, enrollment_id=enrollment.id, watch_time=30
        )
    )
    await db.flush()
    await assert_locked(client, course, student, second)


async def test_drip_off_ignores_drip_settings(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    later = await dripping(db, course, section, drip_type="days_after_enrollment", drip_days=30)
    after = await dripping(
        db, course, section, drip_type="after_lesson", drip_after_lesson_id=lesson.id, order=2
    )
    await create_section(
        db, course, order=1, drip_enabled=True, drip_type="days_after_enrollment", drip_days=9
    )
    course.drip_content = False
    await db.flush()
    assert await is_open(client, course, student, later)
    assert await is_open(client, course, student, after)
    outline = (await client.get(learn(course), headers=bearer(student))).json()
    assert {s["state"] for s in outline["sections"]} == {"available"}


async def test_free_preview_inside_a_dripping_section_is_open_to_everyone(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    course.drip_content = True
    later = await create_section(
        db, course, order=1, drip_enabled=True, drip_type="days_after_enrollment", drip_days=9
    )
    free = await create_lesson(db, later, is_free=True, is_locked=True)
    await db.flush()
    assert await is_open(client, course, student, free)
    assert (await client.get(learn(course, free))).status_code == 200  # anonymous
    assert (await outline_lesson(client, course, student, free))["state"] == "available"


async def test_staff_see_dripping_lessons(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    later = await dripping(db, course, section, drip_type="days_after_enrollment", drip_days=30)
    await db.flush()
    assert await is_open(client, course, author, later)


async def test_completed_lesson_stays_open_after_the_instructor_locks_it(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    await complete_lesson(db, enrollment, lesson)
    lesson.is_locked = True
    await db.flush()
    assert await is_open(client, course, student, lesson)
