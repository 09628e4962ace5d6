"""Periodic jobs of live classes: the reminders, a day before and an hour before, to those
with a seat; and the end of classes their hosts left open.

Each reminder is claimed by one conditional UPDATE (``reminder_sent`` / ``final_reminder_sent``
turned on where still off) that returns who to tell: a job that runs twice, or two at once,
sends each reminder once. A registrant within the last hour gets only the hour's reminder.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from lectern.kit.i18n import Text
from lectern.kit.types import utcnow
from lectern.live import seats
from lectern.live.calendar import Entry, ends_at
from lectern.live.telling import tell
from lectern.models import (
    Course,
    LiveClass,
    LiveClassRegistration,
    LiveClassStatus,
    LiveRegistrationStatus,
)
from lectern.schedule import periodic

Registration = LiveClassRegistration
DAY, HOUR = timedelta(hours=24), timedelta(hours=1)


async def _claim(
    session: AsyncSession,
    window: ColumnElement[bool],
    flag: InstrumentedAttribute[bool],
    **turn_on: bool,
) -> dict[int, list[int]]:
    """Turn ``turn_on`` on for the seated registrations of classes in ``window`` whose
    ``flag`` is off; the users claimed, by class."""
    due = (
        select(Registration.id)
        .join(LiveClass, LiveClass.id == Registration.live_class_id)
        .where(
            window,
            LiveClass.status == LiveClassStatus.SCHEDULED,
            LiveClass.deleted_at.is_(None),
            Registration.status == LiveRegistrationStatus.REGISTERED,
            flag.is_(False),
        )
    )
    claimed = await session.execute(
        update(Registration)
        .where(Registration.id.in_(due.scalar_subquery()), flag.is_(False))
        .values(**turn_on, updated_at=utcnow())
        .returning(Registration.live_class_id, Registration.user_id)
        .execution_options(synchronize_session=False)
    )
    by_class: defaultdict[int, list[int]] = defaultdict(list)
    for class_id, user_id in claimed:
        by_class[class_id].append(user_id)
    return by_class


@periodic(timedelta(minutes=5), name="live.send_reminders")
async def send_reminders(session: AsyncSession) -> int:
    """Send the reminders that are due; how many people were reminded."""
    now = utcnow()
    starts = LiveClass.scheduled_at
    within_hour = await _claim(
        session,
        (starts > now) & (starts <= now + HOUR),
        Registration.final_reminder_sent,
        final_reminder_sent=True,
        reminder_sent=True,
    )
    within_day = await _claim(
        session,
        (starts > now + HOUR) & (starts <= now + DAY),
        Registration.reminder_sent,
        reminder_sent=True,
    )
    classes = {
        live_class.id: Entry(live_class, title, course_uuid)
        for live_class, title, course_uuid in await session.execute(
            select(LiveClass, Course.title, Course.uuid)
            .join(Course, Course.id == LiveClass.course_id)
            .where(LiveClass.id.in_(within_hour.keys() | within_day.keys()))
        )
    }
    for claimed, lead in (
        (within_hour, Text("Starting within the hour:")),
        (within_day, Text("Coming up:")),
    ):
        for class_id, user_ids in claimed.items():
            await tell(
                session,
                classes[class_id],
                user_ids,
                title=Text("A live class is coming up"),
                lead=lead,
                with_calendar=False,
            )
    return sum(len(users) for claimed in (within_hour, within_day) for users in claimed.values())


# A class still open this long after its end is over: its host did not end it.
GRACE = timedelta(hours=1)


@periodic(timedelta(minutes=15), name="live.close_finished")
async def close_finished(session: AsyncSession) -> int:
    """End the classes whose time is past (their hosts forgot): status ended at their
    scheduled end, whoever was still inside leaving then. How many were ended."""
    now = utcnow()
    candidates = await session.scalars(
        select(LiveClass)
        .where(
            LiveClass.status.in_(seats.OPEN),
            LiveClass.deleted_at.is_(None),
            LiveClass.scheduled_at < now - GRACE,
        )
        .with_for_update()
    )
    ended = 0
    for live_class in candidates:
        over_at = ends_at(live_class)
        if over_at + GRACE > now:
            continue
        live_class.status = LiveClassStatus.ENDED
        live_class.ended_at = over_at
        await seats.close_attendance(session, live_class, over_at)
        ended += 1
    await session.flush()
    return ended
