"""What people see of live classes: a class (with the reader's seat or waitlist place), a
course's classes, a class's attendees, and a user's calendar feed. Each read is a fixed
number of statements whatever the number of classes or registrants."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.pagination import paginate, paginate_rows
from lectern.kit.schemas import PageParams
from lectern.kit.types import utcnow
from lectern.live import seats
from lectern.live.calendar import Entry, document, ends_at, local_start
from lectern.live.policy import Seen
from lectern.live.schemas import (
    AttendeeOut,
    AttendeePage,
    LiveClassOut,
    LiveClassPage,
    StudioLiveClassOut,
)
from lectern.live.service import meeting_of
from lectern.models import (
    Course,
    LiveClass,
    LiveClassRegistration,
    LiveClassStatus,
    LiveRegistrationStatus,
    User,
)

When = Literal["upcoming", "past", "all"]
# How long a user's feed looks back.
FEED_HISTORY = timedelta(days=90)


def present(
    live_class: LiveClass,
    course: Course,
    *,
    waitlisted: int,
    mine: tuple[LiveRegistrationStatus, int | None] | None = None,
    staff: bool = False,
) -> LiveClassOut:
    limit = live_class.max_attendees
    replay = live_class.status is LiveClassStatus.ENDED and live_class.enable_replay
    values = {
        "uuid": live_class.uuid,
        "course_uuid": course.uuid,
        "title": live_class.title,
        "description": live_class.description,
        "scheduled_at": live_class.scheduled_at,
        "ends_at": ends_at(live_class),
        "timezone": live_class.timezone,
        "local_start": local_start(live_class).replace(tzinfo=None).isoformat(),
        "duration_minutes": live_class.duration_minutes,
        "platform": live_class.platform,
        "max_attendees": limit,
        "seats_left": None if limit is None else max(0, limit - live_class.registered_count),
        "price": live_class.price if seats.sold(live_class) else None,
        "currency": course.currency if seats.sold(live_class) else None,
        "registered_count": live_class.registered_count,
        "waitlist_count": waitlisted,
        "attended_count": live_class.attended_count,
        "peak_viewers": live_class.peak_viewers,
        "enable_chat": live_class.enable_chat,
        "enable_qa": live_class.enable_qa,
        "enable_recording": live_class.enable_recording,
        "enable_replay": live_class.enable_replay,
        "status": live_class.status.value,
        "started_at": live_class.started_at,
        "ended_at": live_class.ended_at,
        "recording_url": live_class.recording_url if (replay or staff) else None,
        "my_registration": mine[0].value if mine else None,
        "waitlist_position": mine[1] if mine else None,
    }
    if not staff:
        return LiveClassOut(**values)
    meeting = meeting_of(live_class)
    return StudioLiveClassOut(
        **values,
        meeting_url=meeting.url,
        meeting_id=meeting.meeting_id,
        meeting_password=meeting.password,
        host_url=meeting.host_url,
    )


async def one(session: AsyncSession, user: User, seen: Seen, *, studio: bool) -> LiveClassOut:
    live_class = seen.live_class
    counts = await seats.waitlist_counts(session, [live_class.id])
    held = {} if studio else await seats.mine(session, user, [live_class.id])
    return present(
        live_class,
        seen.course,
        waitlisted=counts.get(live_class.id, 0),
        mine=held.get(live_class.id),
        staff=studio,
    )


async def of_course(
    session: AsyncSession,
    user: User,
    course: Course,
    params: PageParams,
    when: When,
    *,
    studio: bool,
) -> LiveClassPage:
    """A course's classes: upcoming ones soonest first, past ones latest first."""
    statement = select(LiveClass).where(
        LiveClass.course_id == course.id, LiveClass.deleted_at.is_(None)
    )
    running = LiveClass.status.in_([LiveClassStatus.SCHEDULED, LiveClassStatus.LIVE])
    if when == "upcoming":
        statement = statement.where(running).order_by(LiveClass.scheduled_at, LiveClass.id)
    elif when == "past":
        statement = statement.where(~running).order_by(LiveClass.scheduled_at.desc(), LiveClass.id)
    else:
        statement = statement.order_by(LiveClass.scheduled_at.desc(), LiveClass.id)
    classes, meta = await paginate(session, statement, params)
    ids = [live_class.id for live_class in classes]
    counts = await seats.waitlist_counts(session, ids)
    held = {} if studio else await seats.mine(session, user, ids)
    return LiveClassPage(
        items=[
            present(
                live_class,
                course,
                waitlisted=counts.get(live_class.id, 0),
                mine=held.get(live_class.id),
                staff=studio,
            )
            for live_class in classes
        ],
        meta=meta,
    )


async def attendees(session: AsyncSession, seen: Seen, params: PageParams) -> AttendeePage:
    """Who registered (seats first, then the waitlist in order), and who came for how long."""
    registration = LiveClassRegistration
    rows, meta = await paginate_rows(
        session,
        select(registration, User.uuid, User.name, User.email)
        .join(User, User.id == registration.user_id)
        .where(registration.live_class_id == seen.live_class.id)
        .order_by(registration.status, registration.id),
        params,
    )
    return AttendeePage(
        items=[
            AttendeeOut(
                user_uuid=user_uuid,
                name=name,
                email=email,
                status=row.status.value,
                registered_at=row.created_at,
                attended=row.attended,
                joined_at=row.joined_at,
                left_at=row.left_at,
                watch_time=row.watch_time,
            )
            for row, user_uuid, name, email in rows
        ],
        meta=meta,
    )


async def feed(session: AsyncSession, user: User) -> str:
    """The user's calendar: the classes they have a seat in, from 90 days back (cancelled
    ones stay, marked so, for calendars to take them off)."""
    rows = await session.execute(
        select(LiveClass, Course.title, Course.uuid)
        .join(LiveClassRegistration, LiveClassRegistration.live_class_id == LiveClass.id)
        .join(Course, Course.id == LiveClass.course_id)
        .where(
            LiveClassRegistration.user_id == user.id,
            LiveClassRegistration.status == LiveRegistrationStatus.REGISTERED,
            LiveClass.deleted_at.is_(None),
            LiveClass.scheduled_at >= utcnow() - FEED_HISTORY,
        )
        .order_by(LiveClass.scheduled_at)
        .limit(500)
    )
    entries = [Entry(live_class, title, course_uuid) for live_class, title, course_uuid in rows]
    return document(entries, name="Live classes")
