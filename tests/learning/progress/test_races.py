"""Parallel heartbeats, each request committing on its own connection."""

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
    LessonType,
    User,
    UserRole,
    WatchHistory,
)
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH
from tests.learning.progress.conftest import beat, learn


async def test_parallel_beats_count_once_and_stay_consistent(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    author = User(
        name="A", username=f"a{n}", email=f"a{n}@x.test", password_hash=PASSWORD_HASH,
        role=UserRole.INSTRUCTOR,
    )  # fmt: skip
    student = User(name="S", username=f"s{n}", email=f"s{n}@x.test", password_hash=PASSWORD_HASH)
    await live.add(author, student)
    course = Course(
        instructor_id=author.id, title="Race", slug=f"race-{n}", status=CourseStatus.PUBLISHED,
        is_published=True, is_approved=True,
    )  # fmt: skip
    await live.add(course)
    section = CourseSection(course_id=course.id, title="S")
    await live.add(section)
    lesson = Lesson(
        course_id=course.id, section_id=section.id, title="V", type=LessonType.VIDEO,
        video_url="https://v.example/x.mp4", duration_seconds=10_000,
    )  # fmt: skip
    await live.add(lesson)
    enrollment = Enrollment(user_id=student.id, course_id=course.id, price_paid=0)
    await live.add(enrollment)
    url = f"{learn(course, lesson)}/heartbeat"
    headers = bearer(student)
    play = uuid.uuid4()

    # The same first beat ten times at once: one row, credited once.
    same = await asyncio.gather(
        *(live.client.post(url, json=beat(play, 1, 30, 30), headers=headers) for _ in range(10))
    )
    assert [r.status_code for r in same] == [200] * 10, [r.text for r in same]
    assert sum(r.json()["credited"] for r in same) == 30
    # Beats of one play arriving all at once and out of order.
    mixed = await asyncio.gather(
        *(
            live.client.post(url, json=beat(play, seq, 10 * seq, 10 * seq), headers=headers)
            for seq in (7, 3, 9, 2, 8, 5, 4, 6)
        )
    )
    assert all(r.status_code == 200 for r in mixed), [r.text for r in mixed]
    credited = 30 + sum(r.json()["credited"] for r in mixed)

    async with live.sessions() as session:
        rows = list(
            await session.scalars(
                select(LessonProgress).where(LessonProgress.user_id == student.id)
            )
        )
        assert len(rows) == 1
        [row] = rows
        assert row.watch_time == credited <= 90
        assert row.play_watched == row.watch_time
        total = await session.scalar(
            select(Enrollment.total_watch_time).where(Enrollment.id == enrollment.id)
        )
        assert total == credited
        watched = await session.scalar(
            select(WatchHistory.duration_watched).where(WatchHistory.user_id == student.id)
        )
        assert watched == credited
