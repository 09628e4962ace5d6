"""Scheduling a live class: its authors schedule, change, start, end and cancel it; its
learners see it without the meeting's details; others are refused; the meeting's secrets are
kept sealed."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.live.tasks import close_finished
from lectern.models import LiveClass, LiveClassRegistration
from tests.conftest import bearer
from tests.discussions.conftest import School
from tests.factories.courses import create_instructor
from tests.live.conftest import CLASSES, STUDIO, schedule
from tests.reviews.helpers import code


async def test_an_author_schedules_and_learners_see_it_without_the_meeting(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school, title="Parsing, live", max_attendees=30)
    seen = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.ada))
    listed = await client.get(
        f"/api/v1/courses/{school.course.uuid}/live-classes", headers=bearer(school.ada)
    )

    assert made["meeting_url"] == "https://zoom.us/j/123456789"
    assert made["meeting_password"] == "s3cret"
    assert (made["status"], made["seats_left"], made["timezone"]) == (
        "scheduled",
        30,
        "Europe/Paris",
    )
    assert seen.status_code == 200
    assert "meeting_url" not in seen.json()
    assert "meeting_password" not in seen.json()
    assert seen.json()["my_registration"] is None
    assert [item["title"] for item in listed.json()["items"]] == ["Parsing, live"]
    stored = await db.scalar(select(LiveClass.meeting_password))
    assert stored is not None
    assert "s3cret" not in stored


async def test_the_local_start_is_the_wall_clock_of_the_class_zone(
    client: httpx.AsyncClient, school: School
) -> None:
    made = await schedule(client, school, scheduled_at="2027-07-01T16:00:00+00:00")

    assert made["local_start"] == "2027-07-01T18:00:00"  # Paris in summer: UTC+2
    assert made["ends_at"] == "2027-07-01T17:00:00Z"


async def test_strangers_and_other_instructors_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school)
    other = await create_instructor(db, name="Other", username="other")

    as_stranger = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.stranger))
    other_edits = await client.patch(
        f"{STUDIO}/live-classes/{made['uuid']}", json={"title": "Mine"}, headers=bearer(other)
    )
    learner_edits = await client.patch(
        f"{STUDIO}/live-classes/{made['uuid']}", json={"title": "Mine"}, headers=bearer(school.ada)
    )
    other_schedules = await client.post(
        f"{STUDIO}/courses/{school.course.uuid}/live-classes",
        json={"title": "Hijack", "scheduled_at": "2030-01-01T10:00:00Z",
              "meeting_url": "https://zoom.us/j/1"},
        headers=bearer(other),
    )  # fmt: skip

    assert (as_stranger.status_code, code(as_stranger)) == (403, "not_enrolled")
    assert other_edits.status_code == 404
    assert learner_edits.status_code in (403, 404)
    assert other_schedules.status_code == 404
    assert await db.scalar(select(LiveClass.title)) == "Office hours"


async def test_bad_meetings_and_times_are_refused_by_name(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    path = f"{STUDIO}/courses/{school.course.uuid}/live-classes"
    base = {"title": "Class", "scheduled_at": (utcnow() + timedelta(days=1)).isoformat()}
    answers = {
        "not zoom": await client.post(
            path, json={**base, "meeting_url": "https://evil.example/zoom.us"},
            headers=bearer(school.teacher),
        ),
        "plain http": await client.post(
            path, json={**base, "platform": "custom", "meeting_url": "http://meet.example/x"},
            headers=bearer(school.teacher),
        ),
        "past": await client.post(
            path, json={**base, "scheduled_at": "2020-01-01T10:00:00Z",
                        "meeting_url": "https://zoom.us/j/1"},
            headers=bearer(school.teacher),
        ),
        "no offset": await client.post(
            path, json={**base, "scheduled_at": "2030-01-01T10:00:00",
                        "meeting_url": "https://zoom.us/j/1"},
            headers=bearer(school.teacher),
        ),
        "unknown zone": await client.post(
            path, json={**base, "timezone": "Mars/Olympus", "meeting_url": "https://zoom.us/j/1"},
            headers=bearer(school.teacher),
        ),
    }  # fmt: skip

    for name, answer in answers.items():
        assert answer.status_code == 422, name
        assert answer.headers["content-type"] == "application/problem+json", name
    fields = {
        name: [error["loc"] for error in answer.json()["errors"]]
        for name, answer in answers.items()
    }
    assert "meeting_url" in str(fields["not zoom"])
    assert "meeting_url" in str(fields["plain http"])
    assert "scheduled_at" in str(fields["past"])
    assert "scheduled_at" in str(fields["no offset"])
    assert "timezone" in str(fields["unknown zone"])
    assert await db.scalar(select(LiveClass.id)) is None


async def test_start_end_and_the_recording_after(client: httpx.AsyncClient, school: School) -> None:
    made = await schedule(client, school, enable_replay=True)
    path = f"{STUDIO}/live-classes/{made['uuid']}"
    started = await client.post(f"{path}/start", headers=bearer(school.teacher))
    again = await client.post(f"{path}/start", headers=bearer(school.teacher))
    ended = await client.post(f"{path}/end", headers=bearer(school.teacher))
    recorded = await client.patch(
        path, json={"recording_url": "https://vimeo.com/42"}, headers=bearer(school.teacher)
    )
    moved_after = await client.patch(
        path, json={"scheduled_at": "2031-01-01T10:00:00Z"}, headers=bearer(school.teacher)
    )
    learner_view = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.ada))

    assert started.json()["status"] == "live"
    assert started.json()["started_at"] is not None
    assert (again.status_code, code(again)) == (409, "live_class_not_scheduled")
    assert ended.json()["status"] == "ended"
    assert recorded.status_code == 200
    assert (moved_after.status_code, code(moved_after)) == (409, "live_class_over")
    assert learner_view.json()["recording_url"] == "https://vimeo.com/42"


async def test_no_recording_for_learners_without_replay(
    client: httpx.AsyncClient, school: School
) -> None:
    made = await schedule(client, school, enable_replay=False)
    path = f"{STUDIO}/live-classes/{made['uuid']}"
    await client.post(f"{path}/end", headers=bearer(school.teacher))
    await client.patch(
        path, json={"recording_url": "https://vimeo.com/42"}, headers=bearer(school.teacher)
    )

    learner_view = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.ada))
    studio_view = await client.get(path, headers=bearer(school.teacher))

    assert learner_view.json()["recording_url"] is None
    assert studio_view.json()["recording_url"] == "https://vimeo.com/42"


async def test_classes_left_open_end_themselves_after_their_time(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    forgotten = await schedule(client, school, title="Forgotten")
    running = await schedule(client, school, title="Running late")
    now = utcnow()
    await db.execute(
        update(LiveClass)
        .where(LiveClass.title == "Forgotten")
        .values(scheduled_at=now - timedelta(hours=3), status="live")
    )
    await db.execute(
        update(LiveClass)
        .where(LiveClass.title == "Running late")
        .values(scheduled_at=now - timedelta(minutes=90))
    )
    [live_class] = await db.scalars(select(LiveClass).where(LiveClass.title == "Forgotten"))
    db.add(
        LiveClassRegistration(
            live_class_id=live_class.id,
            user_id=school.ada.id,
            attended=True,
            joined_at=now - timedelta(hours=2, minutes=30),
        )
    )
    await db.flush()

    assert [await close_finished(db), await close_finished(db)] == [1, 0]
    ended = await client.get(f"{CLASSES}/{forgotten['uuid']}", headers=bearer(school.ada))
    late = await client.get(f"{CLASSES}/{running['uuid']}", headers=bearer(school.ada))
    assert ended.json()["status"] == "ended"
    assert ended.json()["ended_at"] == ended.json()["ends_at"]
    assert late.json()["status"] == "scheduled"
    watched = await db.scalar(select(LiveClassRegistration.watch_time))
    assert watched == 30 * 60
