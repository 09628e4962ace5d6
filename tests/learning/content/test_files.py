"""Resource downloads and subtitle files for learners: the same gate as the content."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.storage import storage
from lectern.models import (
    Course,
    CourseSection,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonResource,
    User,
)
from tests.conftest import bearer
from tests.factories import create_lesson, create_section
from tests.factories.curriculum import create_resource, create_track
from tests.factories.learning_content import create_live_course
from tests.learning.content.conftest import fresh, learn

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"


async def stored_resource(db: AsyncSession, lesson: Lesson, **values: object) -> LessonResource:
    await storage().save("resources/ab/slides.pdf", PDF)
    values.setdefault("file_name", "Week 1 slides.pdf")
    return await create_resource(
        db, lesson, file_path="resources/ab/slides.pdf", file_size=len(PDF), **values
    )


def resource_url(course: Course, lesson: Lesson, resource_id: int) -> str:
    return f"{learn(course, lesson)}/resources/{resource_id}"


def track_url(course: Course, lesson: Lesson, track_id: int) -> str:
    return f"{learn(course, lesson)}/tracks/{track_id}"


# -- resources --------------------------------------------------------------------------------


async def test_enrolled_student_downloads_and_it_is_counted(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    resource = await stored_resource(db, lesson)
    response = await client.get(resource_url(course, lesson, resource.id), headers=bearer(student))
    assert response.status_code == 200, response.text
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(PDF))
    assert response.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''Week%201%20slides.pdf"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert (await fresh(db, LessonResource, resource.id)).download_count == 1
    assert (await fresh(db, Lesson, lesson.id)).total_views == 0  # a download is not a view


async def test_not_downloadable_is_403(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    resource = await stored_resource(db, lesson, is_downloadable=False)
    response = await client.get(resource_url(course, lesson, resource.id), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/not_downloadable")
    assert (await fresh(db, LessonResource, resource.id)).download_count == 0


async def test_not_enrolled_and_anonymous_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, lesson: Lesson, student: User
) -> None:
    resource = await stored_resource(db, lesson)
    url = resource_url(course, lesson, resource.id)
    assert (await client.get(url)).status_code == 401
    response = await client.get(url, headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/not_enrolled")
    assert (await fresh(db, LessonResource, resource.id)).download_count == 0


async def test_suspended_student_is_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    enrollment.status = EnrollmentStatus.SUSPENDED
    resource = await stored_resource(db, lesson)
    response = await client.get(resource_url(course, lesson, resource.id), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/enrollment_suspended")


async def test_resource_of_a_locked_lesson_is_locked(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    lesson.is_locked = True
    resource = await stored_resource(db, lesson)
    response = await client.get(resource_url(course, lesson, resource.id), headers=bearer(student))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/lesson_locked")


async def test_resource_of_a_free_preview_is_open_to_anyone(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, lesson: Lesson
) -> None:
    lesson.is_free = True
    resource = await stored_resource(db, lesson)
    response = await client.get(resource_url(course, lesson, resource.id))
    assert response.status_code == 200
    assert response.content == PDF


async def test_staff_download(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    resource = await stored_resource(db, lesson)
    response = await client.get(resource_url(course, lesson, resource.id), headers=bearer(author))
    assert response.status_code == 200
    assert response.content == PDF


async def test_resource_of_another_lesson_or_course_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    sibling = await create_lesson(db, section, order=1)
    resource = await stored_resource(db, sibling)
    other = await create_live_course(db)
    foreign_lesson = await create_lesson(db, await create_section(db, other), is_free=True)
    foreign = await stored_resource(db, foreign_lesson)
    for url in (
        resource_url(course, lesson, resource.id),  # right course, wrong lesson
        resource_url(course, foreign_lesson, foreign.id),  # another course's lesson
        resource_url(course, lesson, 987654321),
    ):
        response = await client.get(url, headers=bearer(student))
        assert response.status_code == 404, url
    assert (await fresh(db, LessonResource, resource.id)).download_count == 0


async def test_missing_file_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    resource = await create_resource(db, lesson)  # its file was never stored
    response = await client.get(resource_url(course, lesson, resource.id), headers=bearer(student))
    assert response.status_code == 404
    assert (await fresh(db, LessonResource, resource.id)).download_count == 0


@pytest.mark.parametrize("bad", ["0", "-1", "abc", str(2**63)])
async def test_bad_resource_id_is_422(
    client: httpx.AsyncClient,
    course: Course,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
    bad: str,
) -> None:
    response = await client.get(f"{learn(course, lesson)}/resources/{bad}", headers=bearer(student))
    assert response.status_code == 422


# -- subtitle tracks --------------------------------------------------------------------------


async def test_track_is_served_as_webvtt(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
) -> None:
    video = await create_lesson(db, section, video_url="https://v.test/1")
    await storage().save("tracks/ab/en.vtt", VTT)
    track = await create_track(db, video, file_path="tracks/ab/en.vtt")
    response = await client.get(track_url(course, video, track.id), headers=bearer(student))
    assert response.status_code == 200, response.text
    assert response.content == VTT
    assert response.headers["content-type"] == "text/vtt; charset=utf-8"


async def test_track_gate(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
) -> None:
    video = await create_lesson(db, section, video_url="https://v.test/1")
    await storage().save("tracks/ab/en.vtt", VTT)
    track = await create_track(db, video, file_path="tracks/ab/en.vtt")
    url = track_url(course, video, track.id)
    assert (await client.get(url)).status_code == 401
    refused = await client.get(url, headers=bearer(student))
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/not_enrolled")
    video.is_free = True
    await db.flush()
    assert (await client.get(url)).status_code == 200


async def test_track_of_another_lesson_or_missing_file_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
    student: User,
    enrollment: Enrollment,
) -> None:
    video = await create_lesson(db, section, video_url="https://v.test/1", order=1)
    await storage().save("tracks/ab/en.vtt", VTT)
    track = await create_track(db, video, file_path="tracks/ab/en.vtt")
    missing = await create_track(db, video)  # no file in storage
    for url in (
        track_url(course, lesson, track.id),
        track_url(course, video, missing.id),
        track_url(course, video, 987654321),
    ):
        assert (await client.get(url, headers=bearer(student))).status_code == 404, url
