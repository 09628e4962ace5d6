"""A lesson that becomes visible tells the course's learners (live enrollments only), from
jobs in batches; a draft lesson tells no one until it is published."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.models import EnrollmentStatus, Notification
from lectern.notifications import tasks
from tests.conftest import bearer
from tests.discussions.conftest import School
from tests.factories import create_enrollment, create_section, create_user

LESSON = {"title": "Register allocation", "type": "video", "video_url": "https://v.example/r.mp4"}


async def told(db: AsyncSession) -> list[tuple[int, str]]:
    await jobs.dispatch_pending(db)
    await jobs.wait_for_jobs()
    rows = await db.execute(
        select(Notification.user_id, Notification.message).where(Notification.type == "new_lessons")
    )
    return sorted((user_id, message) for user_id, message in rows)


async def test_a_published_lesson_tells_the_learners_and_a_draft_waits(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    section = await create_section(db, school.course, is_published=True)
    gone = await create_user(db, name="Refunded", username="refunded")
    await create_enrollment(db, gone, school.course, status=EnrollmentStatus.REFUNDED)
    lessons = f"/api/v1/studio/courses/{school.course.uuid}/sections/{section.id}/lessons"

    draft = await client.post(
        lessons, json={**LESSON, "is_published": False}, headers=bearer(school.teacher)
    )
    assert draft.status_code == 201, draft.text
    before = await told(db)
    published = await client.patch(
        f"/api/v1/studio/courses/{school.course.uuid}/lessons/{draft.json()['uuid']}",
        json={"is_published": True},
        headers=bearer(school.teacher),
    )
    assert published.status_code == 200, published.text

    assert before == []
    message = "A new lesson: Register allocation."
    assert await told(db) == [(school.ada.id, message), (school.alan.id, message)]


async def test_the_learners_are_told_in_batches(
    client: httpx.AsyncClient, db: AsyncSession, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "BATCH", 1)
    section = await create_section(db, school.course, is_published=True)
    sent: list[int] = []
    original = tasks.tell_new_lesson.kiq

    async def counted(**kwargs: int) -> object:
        sent.append(kwargs["after_user_id"])
        return await original(**kwargs)

    monkeypatch.setattr(tasks.tell_new_lesson, "kiq", counted)
    created = await client.post(
        f"/api/v1/studio/courses/{school.course.uuid}/sections/{section.id}/lessons",
        json=LESSON,
        headers=bearer(school.teacher),
    )
    assert created.status_code == 201

    assert [user_id for user_id, _ in await told(db)] == [school.ada.id, school.alan.id]
    assert sent == [0, school.ada.id, school.alan.id]
