"""Announcements: to a course's live students (or all who enrolled, or named ones), or the
platform's to everyone; delivered once, in batches, as notifications and e-mails as each
user's preference says; read once per user; promotions limited per month."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.announcements import tasks
from lectern.kit.types import utcnow
from lectern.models import (
    Announcement,
    Course,
    Enrollment,
    EnrollmentStatus,
    Notification,
    SettingType,
    User,
)
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.factories import PASSWORD_HASH, create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course
from tests.factories.platform import create_setting


@pytest.fixture
async def teacher(db: AsyncSession) -> User:
    return await create_instructor(db, name="Grace Hopper")


@pytest.fixture
async def course(db: AsyncSession, teacher: User) -> Course:
    return await create_published_course(db, teacher, title="Compilers")


def url(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}/announcements"


async def announce(
    client: httpx.AsyncClient, teacher: User, course: Course, **body: Any
) -> httpx.Response:
    body.setdefault("title", "Office hours moved")
    body.setdefault("content", "<p>Thursday at <b>5 pm</b>.</p>")
    return await client.post(url(course), json=body, headers=bearer(teacher))


async def told(db: AsyncSession) -> list[int]:
    return sorted(await db.scalars(select(Notification.user_id)))


async def test_live_students_hear_in_the_app_and_by_mail(
    client: httpx.AsyncClient,
    db: AsyncSession,
    teacher: User,
    course: Course,
    mail_dir: Path,
) -> None:
    ada, alan, gone = await create_user(db), await create_user(db), await create_user(db)
    for student in (ada, alan):
        await create_enrollment(db, student, course)
    await create_enrollment(db, gone, course, status=EnrollmentStatus.EXPIRED, is_active=False)
    stranger = await create_user(db)

    made = await announce(client, teacher, course, send_email=True)

    assert made.status_code == 201, made.text
    assert made.json()["delivered_at"] is not None
    assert await told(db) == sorted([ada.id, alan.id])
    sent = [str(m["To"]) for m in await mails(mail_dir)]
    assert sorted(sent) == sorted([ada.email, alan.email])
    note = await db.scalar(select(Notification).where(Notification.user_id == ada.id))
    assert note is not None
    assert note.message == "Thursday at 5 pm."
    mine = await client.get("/api/v1/me/announcements", headers=bearer(ada))
    assert [(a["title"], a["read"]) for a in mine.json()["items"]] == [
        ("Office hours moved", False)
    ]
    for who in (gone, stranger):
        theirs = await client.get("/api/v1/me/announcements", headers=bearer(who))
        assert theirs.json()["items"] == []


async def test_a_read_is_recorded_once(
    client: httpx.AsyncClient, db: AsyncSession, teacher: User, course: Course
) -> None:
    ada = await create_user(db)
    await create_enrollment(db, ada, course)
    made = (await announce(client, teacher, course)).json()
    read = f"/api/v1/announcements/{made['uuid']}/read"

    first = await client.post(read, headers=bearer(ada))
    again = await client.post(read, headers=bearer(ada))
    stranger = await client.post(read, headers=bearer(await create_user(db)))

    assert (first.status_code, again.status_code, stranger.status_code) == (204, 204, 404)
    views = await db.scalar(select(Announcement.views_count))
    assert views == 1
    unread = await client.get(
        "/api/v1/me/announcements", params={"unread": True}, headers=bearer(ada)
    )
    assert unread.json()["items"] == []


async def test_specific_students_only_and_only_of_the_course(
    client: httpx.AsyncClient, db: AsyncSession, teacher: User, course: Course
) -> None:
    ada, alan = await create_user(db), await create_user(db)
    for student in (ada, alan):
        await create_enrollment(db, student, course)
    outsider = await create_user(db)

    named = await announce(client, teacher, course, audience="specific", recipients=[str(ada.uuid)])
    wrong = await announce(
        client, teacher, course, audience="specific", recipients=[str(outsider.uuid)]
    )

    assert named.status_code == 201
    assert await told(db) == [ada.id]
    assert wrong.status_code == 422


async def test_promotions_are_limited_per_month(
    client: httpx.AsyncClient, db: AsyncSession, teacher: User, course: Course
) -> None:
    await create_setting(db, "announcements.promotional_per_month", 1, SettingType.INTEGER)

    first = await announce(client, teacher, course, is_promotional=True)
    second = await announce(client, teacher, course, is_promotional=True)
    plain = await announce(client, teacher, course)

    assert first.status_code == 201
    assert (second.status_code, second.json()["type"].rsplit("/", 1)[-1]) == (
        403,
        "promotion_limit",
    )
    assert plain.status_code == 201


async def test_only_the_course_team_announces(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    other = await create_instructor(db)
    student = await create_user(db)

    assert (await announce(client, other, course)).status_code == 404
    assert (await announce(client, student, course)).status_code == 403
    assert await db.scalar(select(func.count(Announcement.id))) == 0


async def test_a_scheduled_announcement_is_delivered_once_when_due(
    client: httpx.AsyncClient, db: AsyncSession, teacher: User, course: Course
) -> None:
    ada = await create_user(db)
    await create_enrollment(db, ada, course)
    later = (utcnow() + timedelta(hours=2)).isoformat()

    made = await announce(client, teacher, course, published_at=later)
    assert made.json()["delivered_at"] is None
    assert await told(db) == []
    assert (await client.get("/api/v1/me/announcements", headers=bearer(ada))).json()["items"] == []
    await db.execute(update(Announcement).values(published_at=utcnow() - timedelta(minutes=1)))

    started = [await tasks.deliver_due(db), await tasks.deliver_due(db)]
    await jobs.dispatch_pending(db)
    await jobs.wait_for_jobs()

    assert started == [1, 0]
    assert await told(db) == [ada.id]


async def test_the_platform_announces_to_everyone(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    users = [await create_user(db) for _ in range(3)]

    made = await client.post(
        "/api/v1/admin/announcements",
        json={"title": "Maintenance on Sunday", "content": "<p>An hour.</p>", "audience": "all"},
        headers=bearer(admin),
    )
    narrowed = await client.post(
        "/api/v1/admin/announcements",
        json={"title": "Hello there", "content": "x", "audience": "enrolled"},
        headers=bearer(admin),
    )

    assert made.status_code == 201
    assert set(await told(db)) >= {user.id for user in users}
    assert admin.id not in await told(db)
    assert narrowed.status_code == 422


async def test_ten_thousand_students_are_told_in_batches(
    db: AsyncSession, teacher: User, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = utcnow()
    await db.execute(
        insert(User),
        [
            {
                "name": f"Student {n}",
                "username": f"student{n}",
                "email": f"student{n}@crowd.test",
                "password_hash": PASSWORD_HASH,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for n in range(10_000)
        ],
    )
    ids = list(await db.scalars(select(User.id).where(User.email.like("%@crowd.test"))))
    await db.execute(
        insert(Enrollment),
        [{"user_id": i, "course_id": course.id, "price_paid": 0} for i in ids],
    )
    batches: list[int] = []
    notify = tasks.notify_many

    async def counted(session: AsyncSession, user_ids: Any, *args: Any, **kwargs: Any) -> Any:
        batches.append(len(user_ids))
        return await notify(session, user_ids, *args, **kwargs)

    monkeypatch.setattr(tasks, "notify_many", counted)
    announcement = Announcement(
        user_id=teacher.id, course_id=course.id, title="Welcome", content="<p>Hi all</p>"
    )
    db.add(announcement)
    await db.flush()

    await tasks.start_delivery(db, announcement.id)
    await jobs.dispatch_pending(db)
    await jobs.wait_for_jobs()

    assert batches == [tasks.BATCH] * 20 + [0]
    assert await db.scalar(select(func.count()).select_from(Notification)) == 10_000


async def test_an_announcement_that_would_never_show_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, teacher: User, course: Course
) -> None:
    past = (utcnow() - timedelta(days=1)).isoformat()

    answer = await announce(client, teacher, course, expires_at=past)
    bad_type = await announce(client, teacher, course, type="party", views_count=9)

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["expires_at"]
    assert bad_type.status_code == 422
    assert await db.scalar(select(func.count(Announcement.id))) == 0
