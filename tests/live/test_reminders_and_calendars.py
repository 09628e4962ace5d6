"""Reminders a day and an hour before, each sent once however often the job runs; a new
time tells registrants with the same calendar entry (a higher SEQUENCE) and brings the
reminders back; a cancellation is METHOD:CANCEL; the calendar feed and a class's .ics."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
from icalendar import Calendar
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.kit.types import utcnow
from lectern.live.tasks import send_reminders
from lectern.models import LiveClass, LiveClassRegistration, Notification
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.discussions.conftest import School
from tests.live.conftest import CLASSES, STUDIO, schedule
from tests.live.test_seats import calendar_of, register


def has_calendar(message: EmailMessage) -> bool:
    return any(part.get_content_type() == "text/calendar" for part in message.iter_attachments())


async def reminders(db: AsyncSession, user_id: int) -> list[str]:
    messages = await db.scalars(
        select(Notification.message)
        .where(Notification.user_id == user_id, Notification.title == "A live class is coming up")
        .order_by(Notification.created_at)
    )
    return list(messages)


async def test_each_reminder_goes_once_however_often_the_job_runs(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school, in_hours=20, max_attendees=1)
    await register(client, made, school.ada)
    await register(client, made, school.alan)  # waitlisted: no reminder

    day_before = [await send_reminders(db), await send_reminders(db)]
    await db.execute(update(LiveClass).values(scheduled_at=utcnow() + timedelta(minutes=40)))
    hour_before = [await send_reminders(db), await send_reminders(db)]

    assert (day_before, hour_before) == ([1, 0], [1, 0])
    ada = await reminders(db, school.ada.id)
    assert [message.split(" Office hours")[0] for message in ada] == [
        "Coming up:",
        "Starting within the hour:",
    ]
    assert await reminders(db, school.alan.id) == []


async def test_a_class_within_the_hour_gets_only_the_last_reminder(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school, in_hours=0.5)
    await register(client, made, school.ada)

    assert [await send_reminders(db), await send_reminders(db)] == [1, 0]
    assert len(await reminders(db, school.ada.id)) == 1
    flags = (
        await db.execute(
            select(LiveClassRegistration.reminder_sent, LiveClassRegistration.final_reminder_sent)
        )
    ).one()
    assert tuple(flags) == (True, True)


async def test_the_reminder_shows_the_time_in_the_learner_zone(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    school.ada.timezone = "America/New_York"
    await db.flush()
    made = await schedule(client, school, scheduled_at="2027-01-15T17:00:00+00:00")
    await register(client, made, school.ada)
    await db.execute(update(LiveClass).values(scheduled_at=utcnow() + timedelta(hours=5)))
    await send_reminders(db)

    [message] = await reminders(db, school.ada.id)
    assert "(America/New_York)" in message


async def test_a_new_time_tells_registrants_updates_the_entry_and_reminds_again(
    client: httpx.AsyncClient, db: AsyncSession, school: School, mail_dir: Path
) -> None:
    made = await schedule(client, school, in_hours=10)
    await register(client, made, school.ada)
    assert await send_reminders(db) == 1
    moved_to = (utcnow() + timedelta(hours=12)).replace(microsecond=0)

    moved = await client.patch(
        f"{STUDIO}/live-classes/{made['uuid']}",
        json={"scheduled_at": moved_to.isoformat()},
        headers=bearer(school.teacher),
    )
    await jobs.dispatch_pending(db)

    assert moved.status_code == 200
    entries = sorted(
        (calendar_of(message) for message in await mails(mail_dir) if has_calendar(message)),
        key=lambda found: int(found[1].walk("VEVENT")[0]["SEQUENCE"]),
    )
    [(_, first), (method, second)] = entries
    [before], [after] = first.walk("VEVENT"), second.walk("VEVENT")
    assert method == "REQUEST"
    assert str(before["UID"]) == str(after["UID"])
    assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
    assert after["DTSTART"].dt == moved_to
    assert await send_reminders(db) == 1  # the day's reminder again, for the new time


async def test_cancelling_sends_the_calendar_cancellation(
    client: httpx.AsyncClient, db: AsyncSession, school: School, mail_dir: Path
) -> None:
    made = await schedule(client, school)
    await register(client, made, school.ada)

    cancelled = await client.post(
        f"{STUDIO}/live-classes/{made['uuid']}/cancel", headers=bearer(school.teacher)
    )
    again = await client.post(
        f"{STUDIO}/live-classes/{made['uuid']}/cancel", headers=bearer(school.teacher)
    )

    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 409
    sent = [calendar_of(message) for message in await mails(mail_dir) if has_calendar(message)]
    assert sorted(method for method, _ in sent) == ["CANCEL", "REQUEST"]
    [calendar] = [calendar for method, calendar in sent if method == "CANCEL"]
    [event] = calendar.walk("VEVENT")
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    assert await send_reminders(db) == 0


async def test_the_feed_works_without_a_session_and_only_with_its_signature(
    client: httpx.AsyncClient, school: School
) -> None:
    made = await schedule(client, school, title="Parsing, live")
    other = await schedule(client, school, title="Not mine")
    await register(client, made, school.ada)
    link = (await client.get("/api/v1/me/calendar-feed", headers=bearer(school.ada))).json()["url"]
    path = link[link.index("/api/v1/") :]

    feed = await client.get(path)
    forged = await client.get(path.replace(str(school.ada.uuid), str(school.alan.uuid)))

    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.text)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [
        "Parsing, live (Compilers)"
    ]
    assert other["uuid"] not in feed.text
    assert forged.status_code == 404


async def test_a_class_ics_for_its_learners(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school, scheduled_at="2027-03-01T09:30:00+00:00")

    mine = await client.get(f"{CLASSES}/{made['uuid']}/calendar.ics", headers=bearer(school.ada))
    theirs = await client.get(
        f"{CLASSES}/{made['uuid']}/calendar.ics", headers=bearer(school.stranger)
    )

    calendar = Calendar.from_ical(mine.text)
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.isoformat() == "2027-03-01T10:30:00+01:00"
    assert "BEGIN:VTIMEZONE" in mine.text
    assert theirs.status_code == 403
    assert await db.scalar(select(func.count(LiveClassRegistration.id))) == 0
