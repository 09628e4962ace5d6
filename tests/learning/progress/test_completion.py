"""POST .../complete, complete_lesson, the enrollment's totals and recount after curriculum
changes."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.curriculum.totals import refresh_totals
from lectern.kit.types import utcnow
from lectern.learning.progress import service as progress
from lectern.models import (
    Course,
    CourseSection,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonType,
    User,
)
from tests.conftest import bearer
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.learning.progress.conftest import Raised, code, fresh, learn, progress_of


def complete_url(course: Course, lesson: Lesson) -> str:
    return f"{learn(course, lesson)}/complete"


def studio(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}"


async def lessons(db: AsyncSession, section: CourseSection, *types: LessonType) -> list[Lesson]:
    made = []
    for order, lesson_type in enumerate(types):
        extra = {
            LessonType.VIDEO: {"video_url": "https://v.example/x.mp4", "duration_seconds": 100},
            LessonType.TEXT: {"content": "x"},
        }.get(lesson_type, {})
        made.append(
            await create_lesson(
                db, section, title=f"L{order}", order=order, type=lesson_type, **extra
            )
        )
    await refresh_totals(db, section.course_id)
    return made


async def test_mark_complete_completes_a_text_lesson_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    raised: Raised,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    text, _video = await lessons(db, section, LessonType.TEXT, LessonType.VIDEO)
    response = await client.post(complete_url(course, text), headers=bearer(student))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lesson"]["is_completed"] is True
    assert body["lesson"]["completed_now"] is True
    assert body["lesson"]["progress_percentage"] == "100.00"
    assert body["course"] == {
        "completed_lessons": 1,
        "total_lessons": 2,
        "progress_percentage": "50.00",
        "is_completed": False,
        "completed_at": None,
    }
    again = await client.post(complete_url(course, text), headers=bearer(student))
    assert again.status_code == 200
    assert again.json()["lesson"]["completed_now"] is False
    assert again.json()["course"]["completed_lessons"] == 1
    assert (await fresh(db, Lesson, text.id)).total_completions == 1
    assert len(raised.lessons) == 1
    got = await fresh(db, Enrollment, enrollment.id)
    assert got.last_lesson_id == text.id


async def test_video_and_assessed_lessons_refuse_mark_complete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    video, quiz, assignment = await lessons(
        db, section, LessonType.VIDEO, LessonType.QUIZ, LessonType.ASSIGNMENT
    )
    watch = await client.post(complete_url(course, video), headers=bearer(student))
    assert watch.status_code == 409
    assert code(watch) == "watch_more"
    assert watch.json()["threshold"] == 90
    for lesson in (quiz, assignment):
        refused = await client.post(complete_url(course, lesson), headers=bearer(student))
        assert refused.status_code == 409
        assert code(refused) == "assessment_required"
        assert await progress_of(db, student, lesson) is None
    assert await progress_of(db, student, video) is None
    assert (await fresh(db, Enrollment, enrollment.id)).completed_lessons == 0


async def test_a_video_of_unknown_length_may_be_marked_complete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    video = await create_lesson(db, section, type=LessonType.VIDEO, video_url="https://v/x")
    response = await client.post(complete_url(course, video), headers=bearer(student))
    assert response.status_code == 200
    assert response.json()["lesson"]["is_completed"] is True


async def test_complete_lesson_serves_assessments_and_completes_the_course(
    db: AsyncSession,
    raised: Raised,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    quiz, assignment = await lessons(db, section, LessonType.QUIZ, LessonType.ASSIGNMENT)
    assert await progress.complete_lesson(db, enrollment, quiz.id) is True
    assert await progress.complete_lesson(db, enrollment, quiz.id) is False
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons, got.status) == (
        1,
        2,
        EnrollmentStatus.ACTIVE,
    )
    assert await progress.complete_lesson(db, enrollment, assignment.id) is True
    got = await fresh(db, Enrollment, enrollment.id)
    assert got.status == EnrollmentStatus.COMPLETED
    assert got.completed_at is not None
    assert got.progress_percentage == Decimal("100.00")
    assert [e.lesson_id for e in raised.lessons] == [quiz.id, assignment.id]
    assert [e.enrollment_id for e in raised.courses] == [enrollment.id]
    # Completing is once: a repeat changes nothing and raises nothing.
    assert await progress.complete_lesson(db, enrollment, assignment.id) is False
    assert len(raised.courses) == 1
    assert (await fresh(db, Lesson, quiz.id)).total_completions == 1


async def test_who_may_mark_complete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    student: User,
    course: Course,
    section: CourseSection,
) -> None:
    (text,) = await lessons(db, section, LessonType.TEXT)
    assert (await client.post(complete_url(course, text))).status_code == 401
    stranger = await client.post(complete_url(course, text), headers=bearer(student))
    assert stranger.status_code == 403
    assert code(stranger) == "not_enrolled"
    staff = await client.post(complete_url(course, text), headers=bearer(author))
    assert staff.status_code == 200
    assert staff.json()["lesson"]["recorded"] is False
    assert staff.json()["course"] is None
    assert await progress_of(db, author, text) is None
    assert (await fresh(db, Lesson, text.id)).total_completions == 0


async def test_a_locked_lesson_cannot_be_marked_complete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    locked = await create_lesson(db, section, type=LessonType.TEXT, content="x", is_locked=True)
    response = await client.post(complete_url(course, locked), headers=bearer(student))
    assert response.status_code == 403
    assert code(response) == "lesson_locked"
    assert await progress_of(db, student, locked) is None


async def test_progress_follows_lessons_deleted_and_added_in_the_studio(
    client: httpx.AsyncClient,
    db: AsyncSession,
    raised: Raised,
    author: User,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    a, b, c = await lessons(db, section, LessonType.TEXT, LessonType.TEXT, LessonType.TEXT)
    other = await create_user(db)
    other_enrollment = await create_enrollment(db, other, course)
    for lesson in (a, b):
        assert (await client.post(complete_url(course, lesson), headers=bearer(student))).is_success
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons) == (2, 3)
    assert got.progress_percentage == Decimal("66.66")  # rounded down

    # Deleting a completed lesson: it no longer counts, on either side.
    deleted = await client.delete(f"{studio(course)}/lessons/{a.uuid}", headers=bearer(author))
    assert deleted.status_code == 204
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons, got.progress_percentage) == (
        1,
        2,
        Decimal("50.00"),
    )
    untouched = await fresh(db, Enrollment, other_enrollment.id)
    assert (untouched.completed_lessons, untouched.total_lessons) == (0, 2)

    # Deleting the only unfinished lesson completes the course.
    assert raised.courses == []
    await client.delete(f"{studio(course)}/lessons/{c.uuid}", headers=bearer(author))
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons) == (1, 1)
    assert (got.status, got.progress_percentage) == (EnrollmentStatus.COMPLETED, Decimal(100))
    assert got.completed_at is not None
    assert [event.enrollment_id for event in raised.courses] == [enrollment.id]
    assert (await fresh(db, Enrollment, other_enrollment.id)).status == EnrollmentStatus.ACTIVE

    # Adding a lesson: the completed enrollment stays completed, its share is the truth.
    added = await client.post(
        f"{studio(course)}/sections/{section.id}/lessons",
        json={"title": "New", "type": "text", "content": "<p>new</p>"},
        headers=bearer(author),
    )
    assert added.status_code == 201, added.text
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons) == (1, 2)
    assert got.progress_percentage == Decimal("50.00")
    assert got.status == EnrollmentStatus.COMPLETED
    assert len(raised.courses) == 1


async def test_recount_counts_only_lessons_that_count(
    db: AsyncSession,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    a, b = await lessons(db, section, LessonType.QUIZ, LessonType.QUIZ)
    gone = await create_section(db, course, title="Gone", order=1)
    hidden = await create_lesson(db, gone, type=LessonType.QUIZ)
    draft = await create_lesson(db, section, type=LessonType.QUIZ, is_published=False, order=5)
    unpublished = await create_section(db, course, title="Later", order=2, is_published=False)
    unseen = await create_lesson(db, unpublished, type=LessonType.QUIZ)
    for lesson in (a, hidden, draft, unseen):
        await progress.complete_lesson(db, enrollment, lesson.id)
    gone.deleted_at = utcnow()
    await refresh_totals(db, course.id)
    got = await fresh(db, Enrollment, enrollment.id)
    # Only lessons a learner can open count: published, in a published, live section.
    assert (got.completed_lessons, got.total_lessons) == (1, 2)
    assert (await fresh(db, Course, course.id)).total_lectures == 2
    assert b.id  # still to do
    assert got.completed_at is None


async def test_a_suspended_enrollment_is_not_completed_by_a_recount(
    db: AsyncSession,
    raised: Raised,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    a, b = await lessons(db, section, LessonType.QUIZ, LessonType.QUIZ)
    await progress.complete_lesson(db, enrollment, a.id)
    enrollment.status = EnrollmentStatus.SUSPENDED
    enrollment.is_active = False
    b.is_published = False
    await refresh_totals(db, course.id)
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons) == (1, 1)
    assert (got.status, got.completed_at) == (EnrollmentStatus.SUSPENDED, None)
    assert raised.courses == []
