"""Parallel opens of one lesson by one student: every view counted, one progress row."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from lectern.models import (
    Course,
    CourseSection,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    User,
    UserRole,
)
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH
from tests.learning.content.conftest import learn


def a_user(role: UserRole = UserRole.STUDENT) -> User:
    token = uuid.uuid4().hex[:10]
    return User(
        name=f"U {token}",
        username=f"u{token}",
        email=f"{token}@example.test",
        password_hash=PASSWORD_HASH,
        role=role,
    )


async def test_parallel_opens(live: Live) -> None:
    author, student = a_user(UserRole.INSTRUCTOR), a_user()
    await live.add(author, student)
    course = Course(
        instructor_id=author.id,
        title="Racy",
        slug=f"racy-{uuid.uuid4().hex[:8]}",
        status=CourseStatus.PUBLISHED,
        is_published=True,
        is_approved=True,
    )
    await live.add(course)
    section = CourseSection(course_id=course.id, title="S")
    await live.add(section)
    lesson = Lesson(course_id=course.id, section_id=section.id, title="L", type="text", content="x")
    await live.add(lesson)
    enrollment = Enrollment(user_id=student.id, course_id=course.id)
    await live.add(enrollment)

    responses = await asyncio.gather(
        *(live.client.get(learn(course, lesson), headers=bearer(student)) for _ in range(10))
    )

    assert [r.status_code for r in responses] == [200] * 10
    assert sorted(r.json()["progress"]["views_count"] for r in responses) == list(range(1, 11))
    async with live.sessions() as session:
        rows = list(
            await session.scalars(
                select(LessonProgress).where(LessonProgress.lesson_id == lesson.id)
            )
        )
        views = await session.scalar(select(Lesson.total_views).where(Lesson.id == lesson.id))
    assert [(row.views_count, row.enrollment_id) for row in rows] == [(10, enrollment.id)]
    assert views == 10
