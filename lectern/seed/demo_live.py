"""The demo school's live classes, on the course with the community: Grace's live Q&A next
Thursday at 17:00 UTC (announced in the community step), where two students hold seats (each
was told, with the class's calendar entry by e-mail), office hours tomorrow whose two
registrants already had their reminder a day before, a priced workshop the week after whose
seats are sold through the cart, and last week's session, ended, with its attendance and a
recording to replay. Made through the services where they apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from lectern.kit.types import utcnow
from lectern.live import seats
from lectern.live import service as live
from lectern.live import tasks as reminders
from lectern.live.policy import Seen
from lectern.live.schemas import LiveClassIn
from lectern.models import (
    LiveClass,
    LiveClassRegistration,
    LiveClassStatus,
    User,
)
from lectern.seed.demo_community import learners_of
from lectern.seed.seeder import DemoSeeder


def next_thursday_at_five(now: datetime) -> datetime:
    """The next Thursday, 17:00 UTC, at least a day away."""
    day = (now + timedelta(days=1)).date()
    day += timedelta(days=(3 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 17, tzinfo=UTC)


async def live_classes(seeder: DemoSeeder) -> None:
    session = seeder.session
    course = seeder.course_rows[1]  # the course of the community step
    if await session.scalar(select(LiveClass.id).where(LiveClass.course_id == course.id)):
        return
    teacher = await session.get_one(User, course.instructor_id)
    learners = await learners_of(seeder, course, 3)
    upcoming = await live.schedule(
        session,
        course,
        teacher,
        LiveClassIn(
            title="Live Q&A: request bodies and validation",
            description="Bring your questions about request bodies, validation and 422s.",
            scheduled_at=next_thursday_at_five(utcnow()),
            timezone="Europe/London",
            duration_minutes=60,
            platform="zoom",
            meeting_url="https://zoom.us/j/5550100200",
            meeting_password="fastapi",  # noqa: S106 (a demo meeting)
            max_attendees=25,
            enable_replay=True,
        ),
    )
    for learner in learners[:2]:
        await seats.register(session, learner, Seen(upcoming, course, is_staff=False))
    tomorrow = (utcnow() + timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
    office_hours = await live.schedule(
        session,
        course,
        teacher,
        LiveClassIn(
            title="Office hours: your questions",
            scheduled_at=tomorrow,
            timezone="Europe/London",
            duration_minutes=45,
            platform="zoom",
            meeting_url="https://zoom.us/j/5550100300",
        ),
    )
    for learner in learners[:2]:
        await seats.register(session, learner, Seen(office_hours, course, is_staff=False))
    await reminders.send_reminders(session)  # a day before: its registrants are reminded
    await live.schedule(
        session,
        course,
        teacher,
        LiveClassIn(
            title="Workshop: deploying FastAPI to production",
            description="Two hours of hands-on deployment: containers, workers, monitoring.",
            scheduled_at=next_thursday_at_five(utcnow()) + timedelta(days=7),
            timezone="Europe/London",
            duration_minutes=120,
            platform="google_meet",
            meeting_url="https://meet.google.com/abc-defg-hij",
            max_attendees=15,
            price=Decimal("19.00"),
        ),
    )

    started = (utcnow() - timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    past = LiveClass(
        course_id=course.id,
        instructor_id=teacher.id,
        title="Kick-off: your first endpoint",
        scheduled_at=started,
        timezone="Europe/London",
        duration_minutes=45,
        meeting_url="https://zoom.us/j/5550100100",
        status=LiveClassStatus.ENDED,
        started_at=started,
        ended_at=started + timedelta(minutes=45),
        recording_url="https://vimeo.com/76979871",
        enable_recording=True,
        enable_replay=True,
        registered_count=len(learners),
        attended_count=len(learners[:2]),
        peak_viewers=len(learners[:2]),
    )
    session.add(past)
    await session.flush()
    for n, learner in enumerate(learners):
        came = n < 2
        session.add(
            LiveClassRegistration(
                live_class_id=past.id,
                user_id=learner.id,
                attended=came,
                joined_at=started + timedelta(minutes=2) if came else None,
                left_at=started + timedelta(minutes=40 - 10 * n) if came else None,
                watch_time=(38 - 10 * n) * 60 if came else 0,
                reminder_sent=True,
                final_reminder_sent=True,
            )
        )
    await session.flush()
    seeder.added["live_classes"] = 4
