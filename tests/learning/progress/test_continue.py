"""GET /learn/{course}/continue: the lesson to resume and the position in it."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.curriculum.totals import refresh_totals
from lectern.learning.progress import service as progress
from lectern.models import Course, CourseSection, Enrollment, Lesson, LessonType, User
from tests.conftest import bearer
from tests.factories import create_lesson
from tests.learning.progress.conftest import Clock, beat, code, learn


def continue_url(course: Course) -> str:
    return f"{learn(course)}/continue"


async def test_continue_walks_the_course(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    section: CourseSection,
    video: Lesson,
    text: Lesson,
    enrollment: Enrollment,
) -> None:
    third = await create_lesson(db, section, title="Third", order=2, type=LessonType.QUIZ)
    await refresh_totals(db, course.id)
    start = (await client.get(continue_url(course), headers=bearer(student))).json()
    assert start["lesson"]["uuid"] == str(video.uuid)
    assert start["lesson"]["type"] == "video"
    assert start["position"] == 0
    assert start["course"]["total_lessons"] == 3

    # Started the video: resume it where the player was.
    await client.post(
        f"{learn(course, video)}/heartbeat",
        json=beat(uuid.uuid4(), 1, 37, 20),
        headers=bearer(student),
    )
    resumed = (await client.get(continue_url(course), headers=bearer(student))).json()
    assert (resumed["lesson"]["uuid"], resumed["position"]) == (str(video.uuid), 37)

    # The last lesson taken is completed: the first lesson not completed comes next.
    await client.post(f"{learn(course, text)}/complete", headers=bearer(student))
    after_text = (await client.get(continue_url(course), headers=bearer(student))).json()
    assert (after_text["lesson"]["uuid"], after_text["position"]) == (str(video.uuid), 37)

    await progress.complete_lesson(db, enrollment, video.id)
    await progress.complete_lesson(db, enrollment, third.id)
    done = (await client.get(continue_url(course), headers=bearer(student))).json()
    assert done["lesson"] is None
    assert done["course"]["is_completed"] is True
    assert done["course"]["progress_percentage"] == "100.00"


async def test_continue_skips_a_last_lesson_now_locked(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    video: Lesson,
    text: Lesson,
    enrollment: Enrollment,
) -> None:
    enrollment.last_lesson_id = text.id
    text.is_locked = True
    await db.flush()
    body = (await client.get(continue_url(course), headers=bearer(student))).json()
    assert body["lesson"]["uuid"] == str(video.uuid)


async def test_continue_needs_an_entitled_user(
    client: httpx.AsyncClient,
    author: User,
    student: User,
    course: Course,
    video: Lesson,
) -> None:
    assert (await client.get(continue_url(course))).status_code == 401
    refused = await client.get(continue_url(course), headers=bearer(student))
    assert refused.status_code == 403
    assert code(refused) == "not_enrolled"
    staff = await client.get(continue_url(course), headers=bearer(author))
    assert staff.status_code == 200
    assert staff.json()["lesson"]["uuid"] == str(video.uuid)
    assert staff.json()["course"] is None
    missing = await client.get(f"/api/v1/learn/{uuid.uuid4()}/continue", headers=bearer(student))
    assert missing.status_code == 404
