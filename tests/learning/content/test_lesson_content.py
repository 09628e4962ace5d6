"""GET /learn/{course}/lessons/{lesson}: a lesson's content, who may open it, the views it
counts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseSection,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    User,
)
from tests.conftest import bearer
from tests.factories import create_course, create_enrollment, create_lesson, create_section
from tests.factories.curriculum import (
    add_co_instructor,
    create_author,
    create_resource,
    create_track,
)
from tests.factories.instructors import create_admin
from tests.factories.learning_content import complete_lesson, create_live_course
from tests.learning.content.conftest import fresh, learn
from tests.queries import count_queries


async def progress_of(db: AsyncSession, user: User, lesson: Lesson) -> LessonProgress | None:
    return await db.scalar(
        select(LessonProgress)
        .where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
        .execution_options(populate_existing=True)
    )


# -- content by type --------------------------------------------------------------------------


async def test_text_lesson(
    client: httpx.AsyncClient,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    response = await client.get(learn(course, lesson), headers=bearer(student))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["uuid"] == str(lesson.uuid)
    assert body["type"] == "text"
    assert body["content"] == "<p>Hello</p>"
    assert body["section"] == {"id": section.id, "title": "Basics"}
    assert body["state"] == "available"
    assert body["video"] is None
    assert body["audio"] is None
    assert body["document"] is None
    assert body["embed_code"] is None
    assert body["tracks"] == []
    assert body["resources"] == []
    assert body["previous_lesson"] is None
    assert body["next_lesson"] is None


async def test_video_lesson_with_tracks_and_resources(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
) -> None:
    video = await create_lesson(
        db,
        section,
        title="Film",
        video_url="https://cdn.test/v.mp4",
        video_provider="self_hosted",
        video_id="v1",
        video_thumbnail="https://cdn.test/v.jpg",
        video_qualities={"720p": "https://cdn.test/720.mp4"},
        duration_seconds=300,
        content="<p>notes</p>",
    )
    track = await create_track(db, video, language="pt-BR", label="Português", is_default=True)
    slides = await create_resource(db, video, title="Slides", file_size=1234, order=0)
    locked = await create_resource(db, video, title="Source", is_downloadable=False, order=1)

    response = await client.get(learn(course, video), headers=bearer(student))

    assert response.status_code == 200, response.text
    body = response.json()
    base = learn(course, video)
    assert body["video"] == {
        "url": "https://cdn.test/v.mp4",
        "provider": "self_hosted",
        "video_id": "v1",
        "thumbnail": "https://cdn.test/v.jpg",
        "duration_seconds": 300,
        "qualities": {"720p": "https://cdn.test/720.mp4"},
    }
    assert body["content"] == "<p>notes</p>"
    assert body["tracks"] == [
        {
            "id": track.id,
            "language": "pt-BR",
            "label": "Português",
            "kind": "subtitles",
            "is_default": True,
            "url": f"{base}/tracks/{track.id}",
        }
    ]
    assert body["resources"] == [
        {
            "id": slides.id,
            "title": "Slides",
            "description": None,
            "file_name": "slides.pdf",
            "file_type": "application/pdf",
            "file_size": 1234,
            "is_downloadable": True,
            "download_url": f"{base}/resources/{slides.id}",
        },
        {
            "id": locked.id,
            "title": "Source",
            "description": None,
            "file_name": "slides.pdf",
            "file_type": "application/pdf",
            "file_size": 0,
            "is_downloadable": False,
            "download_url": None,
        },
    ]


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        (
            {"type": "audio", "audio_url": "https://a.test/1.mp3", "audio_duration": 42},
            "audio",
            {"url": "https://a.test/1.mp3", "duration_seconds": 42},
        ),
        (
            {"type": "document", "document_url": "https://d.test/1.pdf", "document_type": "pdf"},
            "document",
            {"url": "https://d.test/1.pdf", "type": "pdf"},
        ),
        (
            {"type": "embed", "embed_code": '<iframe src="https://e.test/x"></iframe>'},
            "embed_code",
            '<iframe src="https://e.test/x"></iframe>',
        ),
    ],
)
async def test_other_types(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
    values: dict[str, object],
    key: str,
    expected: object,
) -> None:
    lesson = await create_lesson(db, section, **values)
    body = (await client.get(learn(course, lesson), headers=bearer(student))).json()
    assert body[key] == expected
    assert body["type"] == values["type"]
    assert body["video"] is None


async def test_previous_and_next_cross_sections(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    second = await create_section(db, course, order=1)
    hidden = await create_lesson(db, second, order=0, is_published=False)
    middle = await create_lesson(db, second, order=1)
    last = await create_lesson(db, second, order=2)
    body = (await client.get(learn(course, middle), headers=bearer(student))).json()
    assert (body["previous_lesson"], body["next_lesson"]) == (str(lesson.uuid), str(last.uuid))
    assert hidden.uuid not in (body["previous_lesson"], body["next_lesson"])


# -- who may open it --------------------------------------------------------------------------


async def test_not_enrolled_is_403_and_counts_nothing(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, lesson: Lesson, student: User
) -> None:
    response = await client.get(learn(course, lesson), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/not_enrolled")
    assert (await fresh(db, Lesson, lesson.id)).total_views == 0
    assert await progress_of(db, student, lesson) is None


async def test_anonymous_on_a_paid_lesson_is_401(
    client: httpx.AsyncClient, course: Course, lesson: Lesson
) -> None:
    response = await client.get(learn(course, lesson))
    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthorized")


async def test_bad_token_is_401_even_on_a_free_lesson(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, lesson: Lesson
) -> None:
    lesson.is_free = True
    await db.flush()
    response = await client.get(learn(course, lesson), headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "status", [EnrollmentStatus.SUSPENDED, EnrollmentStatus.REFUNDED, EnrollmentStatus.EXPIRED]
)
async def test_lapsed_enrollment_is_403_with_its_code(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
    status: EnrollmentStatus,
) -> None:
    enrollment.status = status
    await db.flush()
    response = await client.get(learn(course, lesson), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith(f"/enrollment_{status.value}")
    assert (await fresh(db, Lesson, lesson.id)).total_views == 0


async def test_expired_enrollment_turns_expired_on_a_lesson_too(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrollment.expires_at = utcnow() - timedelta(seconds=1)
    await db.flush()
    response = await client.get(learn(course, lesson), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/enrollment_expired")
    assert (await fresh(db, Enrollment, enrollment.id)).status == EnrollmentStatus.EXPIRED
    assert (await fresh(db, Lesson, lesson.id)).total_views == 0
    assert await progress_of(db, student, lesson) is None


async def test_free_preview_is_open_to_anyone_and_tracks_no_progress(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
) -> None:
    lesson.is_free = True
    await create_lesson(db, section, order=1)  # not free: not offered as "next"
    free_too = await create_lesson(db, section, order=2, is_free=True)
    await db.flush()
    for headers in ({}, bearer(student)):
        response = await client.get(learn(course, lesson), headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["progress"] is None
        assert body["next_lesson"] == str(free_too.uuid)
    assert (await fresh(db, Lesson, lesson.id)).total_views == 2
    assert await progress_of(db, student, lesson) is None


async def test_free_preview_open_to_a_refunded_student(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    lesson.is_free = True
    enrollment.status = EnrollmentStatus.REFUNDED
    await db.flush()
    response = await client.get(learn(course, lesson), headers=bearer(student))
    assert response.status_code == 200
    assert response.json()["progress"] is None


async def test_free_preview_of_an_unpublished_course_is_404_to_visitors(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    draft = await create_course(db, await create_author(db), status=CourseStatus.DRAFT)
    section = await create_section(db, draft)
    free = await create_lesson(db, section, is_free=True)
    assert (await client.get(learn(draft, free))).status_code == 404


async def test_staff_open_any_lesson_of_their_course(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    lesson: Lesson,
) -> None:
    lesson.is_locked = True
    co_instructor = await create_author(db)
    await add_co_instructor(db, course, co_instructor)
    admin = await create_admin(db)
    await db.flush()
    for user in (author, co_instructor, admin):
        response = await client.get(learn(course, lesson), headers=bearer(user))
        assert response.status_code == 200, response.text
        assert response.json()["progress"] is None


async def test_another_instructor_is_not_staff(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, lesson: Lesson
) -> None:
    other = await create_author(db)
    response = await client.get(learn(course, lesson), headers=bearer(other))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/not_enrolled")


# -- 404s -------------------------------------------------------------------------------------


async def test_lesson_of_another_course_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    student: User,
    enrollment: Enrollment,
) -> None:
    other = await create_live_course(db)
    foreign = await create_lesson(db, await create_section(db, other), is_free=True)
    await create_enrollment(db, student, other)
    response = await client.get(learn(course, foreign), headers=bearer(student))
    assert response.status_code == 404
    assert (await fresh(db, Lesson, foreign.id)).total_views == 0


@pytest.mark.parametrize(
    "change",
    [
        {"is_published": False},
        {"deleted_at": "now"},
        {"section_unpublished": True},
    ],
)
async def test_unpublished_or_deleted_lesson_is_404_even_to_staff(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
    change: dict[str, object],
) -> None:
    if "is_published" in change:
        lesson.is_published = False
    if "deleted_at" in change:
        lesson.deleted_at = utcnow()
    if "section_unpublished" in change:
        section.is_published = False
    await db.flush()
    for user in (student, author):
        response = await client.get(learn(course, lesson), headers=bearer(user))
        assert response.status_code == 404


async def test_unknown_lesson_and_course(
    client: httpx.AsyncClient, course: Course, lesson: Lesson, student: User
) -> None:
    assert (await client.get(learn(course, uuid.uuid4()), headers=bearer(student))).status_code == (
        404
    )
    assert (await client.get(learn(uuid.uuid4(), lesson), headers=bearer(student))).status_code == (
        404
    )
    bad = await client.get(f"{learn(course)}/lessons/123", headers=bearer(student))
    assert bad.status_code == 422


# -- counting ---------------------------------------------------------------------------------


async def test_opening_counts_views_and_moves_the_enrollment(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    before = utcnow()
    first = await client.get(learn(course, lesson), headers=bearer(student))
    assert first.json()["progress"] == {
        "last_position": 0,
        "watch_time": 0,
        "is_completed": False,
        "completed_at": None,
        "progress_percentage": "0.00",
        "views_count": 1,
    }
    second = await client.get(learn(course, lesson), headers=bearer(student))
    assert second.json()["progress"]["views_count"] == 2

    assert (await fresh(db, Lesson, lesson.id)).total_views == 2
    progress = await progress_of(db, student, lesson)
    assert progress is not None
    assert (progress.views_count, progress.enrollment_id) == (2, enrollment.id)
    row = await fresh(db, Enrollment, enrollment.id)
    assert row.last_lesson_id == lesson.id
    assert row.last_accessed_at is not None
    assert row.last_accessed_at >= before


async def test_resume_position_comes_back(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    await complete_lesson(db, enrollment, lesson, last_position=75, watch_time=80, views_count=4)
    body = (await client.get(learn(course, lesson), headers=bearer(student))).json()
    assert body["state"] == "completed"
    progress = body["progress"]
    assert (progress["last_position"], progress["watch_time"], progress["views_count"]) == (
        75,
        80,
        5,
    )
    assert progress["is_completed"] is True


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
        assert (await client.get(learn(course, lesson), headers=bearer(student))).status_code == 200
    for n in range(5):
        other = await create_lesson(db, section, order=n + 1)
        await complete_lesson(db, enrollment, other)
        await create_resource(db, lesson, order=n)
        await create_track(db, lesson, language=f"l{n}")
    with count_queries(app.state.engine) as large:
        assert (await client.get(learn(course, lesson), headers=bearer(student))).status_code == 200
    # user, course with the staff check and the enrollment, sections, lessons, completed,
    # lesson, resources, tracks; total_views, lesson_progress upsert, enrollment's last access
    assert len(small) == len(large) == 11
