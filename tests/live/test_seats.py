"""Seats of a live class: a seat with its calendar entry, the waitlist in order, a freed
seat going to the first one waiting, the 101st registration of a class of 100 waitlisted
under races, and the join link only for those with a seat, from a few minutes before."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from icalendar import Calendar
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.types import utcnow
from lectern.models import LiveClass, LiveClassRegistration, Notification, User
from tests.assignments.test_grading import mails
from tests.conftest import Live, bearer
from tests.discussions.conftest import School
from tests.live.conftest import CLASSES, STUDIO, schedule
from tests.queries import count_queries
from tests.reviews.helpers import code


def calendar_of(message: EmailMessage) -> tuple[str, Calendar]:
    """The METHOD of the part and the calendar a mail carries."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_param("method") or "", Calendar.from_ical(part.get_content())


async def register(client: httpx.AsyncClient, made: dict[str, Any], user: User) -> httpx.Response:
    return await client.post(f"{CLASSES}/{made['uuid']}/registration", headers=bearer(user))


async def test_a_seat_comes_with_a_notification_and_the_calendar_entry(
    client: httpx.AsyncClient, db: AsyncSession, school: School, mail_dir: Path
) -> None:
    made = await schedule(client, school, title="Parsing, live")
    answer = await register(client, made, school.ada)
    again = await register(client, made, school.ada)
    seen = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.ada))

    assert answer.json() == {"status": "registered", "waitlist_position": None}
    assert again.json()["status"] == "registered"
    assert (seen.json()["my_registration"], seen.json()["registered_count"]) == ("registered", 1)
    told = await db.scalar(select(Notification).where(Notification.user_id == school.ada.id))
    assert told is not None
    assert told.type == "live_classes"
    assert "Parsing, live" in told.message
    [mail] = await mails(mail_dir)
    method, calendar = calendar_of(mail)
    [event] = calendar.walk("VEVENT")
    assert method == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"live-class-{made['uuid']}@lectern"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


async def test_a_full_class_waitlists_and_a_freed_seat_goes_to_the_first_waiting(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school, max_attendees=1)
    seated = await register(client, made, school.ada)
    waiting = await register(client, made, school.alan)
    full = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.alan))
    withdrawn = await client.delete(
        f"{CLASSES}/{made['uuid']}/registration", headers=bearer(school.ada)
    )
    after = await client.get(f"{CLASSES}/{made['uuid']}", headers=bearer(school.alan))

    assert seated.json()["status"] == "registered"
    assert waiting.json() == {"status": "waitlisted", "waitlist_position": 1}
    assert (full.json()["seats_left"], full.json()["waitlist_count"]) == (0, 1)
    assert withdrawn.status_code == 204
    assert after.json()["my_registration"] == "registered"
    assert (after.json()["registered_count"], after.json()["waitlist_count"]) == (1, 0)
    titles = await db.scalars(
        select(Notification.title)
        .where(Notification.user_id == school.alan.id)
        .order_by(Notification.created_at)
    )
    assert list(titles) == ["You are on the waitlist", "A seat is yours"]


async def test_more_seats_seat_the_waitlist_and_fewer_than_taken_are_refused(
    client: httpx.AsyncClient, school: School
) -> None:
    made = await schedule(client, school, max_attendees=1)
    await register(client, made, school.ada)
    await register(client, made, school.alan)
    path = f"{STUDIO}/live-classes/{made['uuid']}"

    raised = await client.patch(path, json={"max_attendees": 5}, headers=bearer(school.teacher))
    lowered = await client.patch(path, json={"max_attendees": 1}, headers=bearer(school.teacher))

    assert (raised.json()["registered_count"], raised.json()["waitlist_count"]) == (2, 0)
    assert (lowered.status_code, code(lowered)) == (409, "seats_taken")


async def test_staff_outsiders_and_closed_classes_get_no_seat(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school)
    staff = await register(client, made, school.teacher)
    stranger = await register(client, made, school.stranger)
    await client.post(
        f"{STUDIO}/live-classes/{made['uuid']}/cancel", headers=bearer(school.teacher)
    )
    closed = await register(client, made, school.ada)

    assert (staff.status_code, code(staff)) == (409, "staff")
    assert (stranger.status_code, code(stranger)) == (403, "not_enrolled")
    assert (closed.status_code, code(closed)) == (409, "live_class_closed")
    assert await db.scalar(select(func.count(LiveClassRegistration.id))) == 0


async def test_the_101st_registration_of_a_class_of_100_waits_under_races(
    live: Live,
) -> None:
    teacher, course, learners = await live.school(101)
    live_class = LiveClass(
        course_id=course.id,
        instructor_id=teacher.id,
        title="Crowded",
        scheduled_at=utcnow() + timedelta(days=2),
        meeting_url="https://zoom.us/j/1",
        max_attendees=100,
    )
    await live.add(live_class)

    answers = await asyncio.gather(
        *(
            live.client.post(f"{CLASSES}/{live_class.uuid}/registration", headers=bearer(learner))
            for learner in learners
        )
    )

    assert {answer.status_code for answer in answers} == {200}, answers[0].text
    statuses = sorted(answer.json()["status"] for answer in answers)
    assert statuses == ["registered"] * 100 + ["waitlisted"]
    async with live.sessions() as session:
        counted = await session.scalar(
            select(LiveClass.registered_count).where(LiveClass.id == live_class.id)
        )
        seated = await session.scalar(
            select(func.count(LiveClassRegistration.id)).where(
                LiveClassRegistration.live_class_id == live_class.id,
                LiveClassRegistration.status == "registered",
            )
        )
    assert counted == seated == 100


async def test_the_link_opens_to_seats_shortly_before_and_attendance_is_kept(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    made = await schedule(client, school, max_attendees=1, in_hours=2)
    await register(client, made, school.ada)
    await register(client, made, school.alan)
    join = f"{CLASSES}/{made['uuid']}/join"

    early = await client.post(join, headers=bearer(school.ada))
    await db.execute(update(LiveClass).values(scheduled_at=utcnow() + timedelta(minutes=5)))
    waiting = await client.post(join, headers=bearer(school.alan))
    joined = await client.post(join, headers=bearer(school.ada))
    await db.execute(
        update(LiveClassRegistration)
        .where(LiveClassRegistration.user_id == school.ada.id)
        .values(joined_at=utcnow() - timedelta(minutes=30))
    )
    left = await client.post(f"{CLASSES}/{made['uuid']}/leave", headers=bearer(school.ada))
    attendees = await client.get(
        f"{STUDIO}/live-classes/{made['uuid']}/registrations", headers=bearer(school.teacher)
    )

    assert (early.status_code, code(early)) == (403, "not_open_yet")
    assert "opens_at" in early.json()
    assert (waiting.status_code, code(waiting)) == (403, "waitlisted")
    assert joined.json() == {
        "meeting_url": "https://zoom.us/j/123456789",
        "meeting_id": None,
        "meeting_password": "s3cret",
        "platform": "zoom",
    }
    assert left.status_code == 204
    ada, alan = attendees.json()["items"]
    assert (ada["status"], ada["attended"]) == ("registered", True)
    assert 1790 <= ada["watch_time"] <= 1810
    assert (alan["status"], alan["attended"]) == ("waitlisted", False)
    counts = (await db.execute(select(LiveClass.attended_count, LiveClass.peak_viewers))).one()
    assert tuple(counts) == (1, 1)


async def test_listing_classes_runs_the_same_statements_for_one_or_many(
    client: httpx.AsyncClient, engine: AsyncEngine, school: School
) -> None:
    async def statements() -> int:
        with count_queries(engine) as seen:
            answer = await client.get(
                f"/api/v1/courses/{school.course.uuid}/live-classes", headers=bearer(school.ada)
            )
            assert answer.status_code == 200
        return len(seen)

    first = await schedule(client, school, max_attendees=1)
    await register(client, first, school.ada)
    await register(client, first, school.alan)
    one = await statements()
    for n in range(4):
        made = await schedule(client, school, title=f"Class {n}", max_attendees=1)
        await register(client, made, school.alan)
        await register(client, made, school.ada)

    assert await statements() == one


async def test_a_seat_is_told_in_the_learner_language_and_time_zone(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    school.ada.language, school.ada.timezone = "fr", "Europe/Paris"
    await db.flush()
    made = await schedule(client, school, scheduled_at="2027-06-03T16:00:00+00:00")

    await register(client, made, school.ada)

    told = await db.scalar(select(Notification).where(Notification.user_id == school.ada.id))
    assert told is not None
    assert told.title == "Votre place est réservée"
    assert told.message == (
        "Vous êtes inscrit à Office hours (Compilers) : jeudi 3 juin 2027, 18:00 (Europe/Paris)."
    )
