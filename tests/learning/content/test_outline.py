"""GET /learn/{course}: the course outline for a learner, with each item's state."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseSection,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    User,
)
from tests.conftest import bearer
from tests.factories import create_course, create_enrollment, create_lesson, create_section
from tests.factories.curriculum import add_co_instructor, create_author
from tests.factories.instructors import create_admin
from tests.factories.learning_content import complete_lesson
from tests.learning.content.conftest import fresh, learn
from tests.queries import count_queries


async def test_enrolled_student_sees_the_outline(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    second = await create_section(db, course, title="Advanced", order=1)
    video = await create_lesson(
        db, second, title="Deep dive", order=0, video_url="https://v.test/1", duration_seconds=90
    )
    free = await create_lesson(db, second, title="Teaser", order=1, is_free=True, type="text")
    await create_lesson(db, second, title="Hidden", order=2, is_published=False)
    await create_lesson(db, second, title="Gone", order=3, deleted_at=utcnow())
    hidden_section = await create_section(db, course, title="Draft", order=2, is_published=False)
    await create_lesson(db, hidden_section, title="In a draft section")
    await complete_lesson(db, enrollment, lesson)

    response = await client.get(learn(course), headers=bearer(student))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["course_uuid"] == str(course.uuid)
    assert body["is_staff"] is False
    assert body["drip_content"] is False
    assert [s["title"] for s in body["sections"]] == ["Basics", "Advanced"]
    assert [s["state"] for s in body["sections"]] == ["available", "available"]
    lessons = [lesson for s in body["sections"] for lesson in s["lessons"]]
    assert [(x["title"], x["state"]) for x in lessons] == [
        ("Intro", "completed"),
        ("Deep dive", "available"),
        ("Teaser", "available"),
    ]
    assert lessons[1] == {
        "id": video.id,
        "uuid": str(video.uuid),
        "title": "Deep dive",
        "type": "video",
        "duration_seconds": 90,
        "is_free": False,
        "state": "available",
        "lock": None,
        "quiz": None,  # a video lesson holds no assessment
        "assignment": None,
    }
    assert lessons[2]["is_free"] is True
    assert lessons[2]["uuid"] == str(free.uuid)
    assert body["next_lesson"] == {"uuid": str(video.uuid), "title": "Deep dive", "type": "video"}
    summary = body["enrollment"]
    assert summary["uuid"] == str(enrollment.uuid)
    assert summary["status"] == "active"
    assert {"progress_percentage", "completed_lessons", "total_lessons"} <= summary.keys()


async def test_next_lesson_is_null_when_everything_is_done(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    await complete_lesson(db, enrollment, lesson)
    body = (await client.get(learn(course), headers=bearer(student))).json()
    assert body["next_lesson"] is None


async def test_empty_course(
    client: httpx.AsyncClient, course: Course, student: User, enrollment: Enrollment
) -> None:
    response = await client.get(learn(course), headers=bearer(student))
    assert response.status_code == 200
    assert response.json()["sections"] == []
    assert response.json()["next_lesson"] is None


async def test_anonymous_is_401(client: httpx.AsyncClient, course: Course, lesson: Lesson) -> None:
    response = await client.get(learn(course))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_not_enrolled_is_403(
    client: httpx.AsyncClient, course: Course, lesson: Lesson, student: User
) -> None:
    response = await client.get(learn(course), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/not_enrolled")


async def test_unknown_course_is_404(client: httpx.AsyncClient, student: User) -> None:
    response = await client.get(learn(uuid.uuid4()), headers=bearer(student))
    assert response.status_code == 404


async def test_bad_uuid_is_422(client: httpx.AsyncClient, student: User) -> None:
    response = await client.get("/api/v1/learn/not-a-uuid", headers=bearer(student))
    assert response.status_code == 422


async def test_deleted_course_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    student: User,
    enrollment: Enrollment,
) -> None:
    course.deleted_at = utcnow()
    await db.flush()
    response = await client.get(learn(course), headers=bearer(student))
    assert response.status_code == 404


async def test_unpublished_course_is_404_to_strangers_but_open_to_its_students(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    draft = await create_course(db, await create_author(db), status=CourseStatus.DRAFT)
    stranger = (await client.get(learn(draft), headers=bearer(student))).status_code
    assert stranger == 404
    await create_enrollment(db, student, draft)
    assert (await client.get(learn(draft), headers=bearer(student))).status_code == 200


async def test_lapsed_enrollments_are_403_with_their_code(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    for status in (EnrollmentStatus.SUSPENDED, EnrollmentStatus.REFUNDED, EnrollmentStatus.EXPIRED):
        enrollment.status = status
        await db.flush()
        response = await client.get(learn(course), headers=bearer(student))
        assert response.status_code == 403, status
        assert response.json()["type"].endswith(f"/enrollment_{status.value}")


async def test_switched_off_enrollment_is_suspended(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrollment.is_active = False
    await db.flush()
    response = await client.get(learn(course), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/enrollment_suspended")


async def test_completed_enrollment_keeps_access(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrollment.status = EnrollmentStatus.COMPLETED
    await db.flush()
    assert (await client.get(learn(course), headers=bearer(student))).status_code == 200


async def test_enrollment_past_its_end_turns_expired(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrollment.expires_at = utcnow() - timedelta(minutes=1)
    await db.flush()

    response = await client.get(learn(course), headers=bearer(student))

    assert response.status_code == 403
    assert response.json()["type"].endswith("/enrollment_expired")
    row = await fresh(db, Enrollment, enrollment.id)
    assert row.status == EnrollmentStatus.EXPIRED  # kept although the request was refused
    assert row.is_active is False


async def test_enrollment_before_its_end_is_live(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrollment.expires_at = utcnow() + timedelta(days=1)
    await db.flush()
    assert (await client.get(learn(course), headers=bearer(student))).status_code == 200
    assert (await fresh(db, Enrollment, enrollment.id)).status == EnrollmentStatus.ACTIVE


async def test_staff_see_everything_available(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
) -> None:
    course.drip_content = True
    lesson.is_prerequisite = True
    await create_lesson(db, section, title="Locked", order=1, is_locked=True)
    await create_lesson(
        db,
        section,
        title="Later",
        order=2,
        drip_enabled=True,
        drip_type="days_after_enrollment",
        drip_days=9,
    )
    co_instructor = await create_author(db)
    await add_co_instructor(db, course, co_instructor)
    admin = await create_admin(db)
    await db.flush()
    for user in (author, co_instructor, admin):
        response = await client.get(learn(course), headers=bearer(user))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["is_staff"] is True
        assert body["enrollment"] is None
        states = [x["state"] for s in body["sections"] for x in s["lessons"]]
        assert states == ["available"] * 3


async def test_fixed_number_of_queries(
    app: FastAPI,
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    with count_queries(app.state.engine) as small:
        assert (await client.get(learn(course), headers=bearer(student))).status_code == 200
    for n in range(3):
        extra = await create_section(db, course, title=f"S{n}", order=n + 1)
        for m in range(4):
            lesson_m = await create_lesson(db, extra, title=f"L{n}{m}", order=m)
            await complete_lesson(db, enrollment, lesson_m)
    with count_queries(app.state.engine) as large:
        assert (await client.get(learn(course), headers=bearer(student))).status_code == 200
    # user, course with the co-instructor check and the enrollment, sections, lessons,
    # completed lessons
    assert len(small) == len(large) == 7  # with the quizzes and the assignments: one each
