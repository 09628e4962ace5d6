"""Scheduling and running live classes: an author schedules one in a course, changes it
(a new time is a reschedule: registrants told, calendar entries updated, reminders due
again), starts, ends or cancels it. The meeting's password and host link are kept sealed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, InvalidInput
from lectern.kit.currencies import minor_units
from lectern.kit.i18n import Text
from lectern.kit.sealing import seal, unseal
from lectern.kit.types import utcnow
from lectern.live import seats
from lectern.live.calendar import Entry
from lectern.live.policy import Seen
from lectern.live.providers import PROVIDERS, Meeting
from lectern.live.schemas import LiveClassEdit, LiveClassIn
from lectern.live.telling import tell
from lectern.models import (
    Course,
    LiveClass,
    LiveClassRegistration,
    LiveClassStatus,
    User,
)

# How far ahead a class may be scheduled.
HORIZON = timedelta(days=2 * 366)
_TIMING = ("scheduled_at", "duration_minutes", "timezone")
_MEETING = ("platform", "meeting_url", "meeting_id", "meeting_password", "host_url")
# What may still change once a class has ended (its recording) or was cancelled.
_AFTERWARDS = {"recording_url", "enable_replay", "description"}


def _sealed(value: str | None) -> str | None:
    return seal(value.encode()) if value is not None else None


def opened(value: str | None) -> str | None:
    return unseal(value).decode() if value is not None else None


def meeting_of(live_class: LiveClass) -> Meeting:
    return Meeting(
        url=live_class.meeting_url or "",
        meeting_id=live_class.meeting_id,
        password=opened(live_class.meeting_password),
        host_url=opened(live_class.host_url),
    )


def _priced(course: Course, price: Decimal | None) -> Decimal | None:
    """A seat's price, exact in the course's currency (no cents in yen)."""
    if price is None:
        return None
    exact = price.quantize(Decimal(1).scaleb(-minor_units(course.currency)))
    if exact != price:
        raise InvalidInput(f"{course.currency} has no such fractions", field="price")
    return exact


def _require_ahead(field: str, moment: Any) -> None:
    now = utcnow()
    if moment <= now:
        raise InvalidInput("a live class is scheduled in the future", field=field)
    if moment > now + HORIZON:
        raise InvalidInput("a live class is scheduled at most two years ahead", field=field)


async def schedule(
    session: AsyncSession, course: Course, host: User, body: LiveClassIn
) -> LiveClass:
    _require_ahead("scheduled_at", body.scheduled_at)
    meeting = PROVIDERS[body.platform].meeting(
        Meeting(body.meeting_url, body.meeting_id, body.meeting_password, body.host_url)
    )
    live_class = LiveClass(
        uuid=uuid.uuid4(),
        course_id=course.id,
        instructor_id=host.id,
        title=body.title,
        description=body.description,
        scheduled_at=body.scheduled_at,
        timezone=body.timezone,
        duration_minutes=body.duration_minutes,
        platform=body.platform,
        meeting_url=meeting.url,
        meeting_id=meeting.meeting_id,
        meeting_password=_sealed(meeting.password),
        host_url=_sealed(meeting.host_url),
        max_attendees=body.max_attendees,
        price=_priced(course, body.price),
        is_free=body.price is None,
        enable_chat=body.enable_chat,
        enable_qa=body.enable_qa,
        enable_recording=body.enable_recording,
        enable_replay=body.enable_replay,
    )
    session.add(live_class)
    await session.flush()
    return live_class


async def edit(session: AsyncSession, seen: Seen, body: LiveClassEdit) -> LiveClass:
    live_class = await seats.locked(session, seen.live_class)
    changes = body.changes()
    frozen = sorted(changes.keys() - _AFTERWARDS)
    if live_class.status in (LiveClassStatus.ENDED, LiveClassStatus.CANCELLED) and frozen:
        raise Conflict(
            f"this class is {live_class.status.value}: {', '.join(frozen)} can no longer change",
            code="live_class_over",
        )
    if "scheduled_at" in changes:
        _require_ahead("scheduled_at", changes["scheduled_at"])
    if "max_attendees" in changes:
        limit = changes["max_attendees"]
        if limit is not None and limit < live_class.registered_count:
            raise Conflict(
                f"{live_class.registered_count} people have seats: keep at least as many",
                code="seats_taken",
            )
    if changes.keys() & set(_MEETING):
        current = meeting_of(live_class)
        platform = changes.get("platform", live_class.platform)
        meeting = PROVIDERS[platform].meeting(
            Meeting(
                url=changes.get("meeting_url", current.url),
                meeting_id=changes.get("meeting_id", current.meeting_id),
                password=changes.get("meeting_password", current.password),
                host_url=changes.get("host_url", current.host_url),
            )
        )
        changes.update(
            platform=platform,
            meeting_url=meeting.url,
            meeting_id=meeting.meeting_id,
            meeting_password=_sealed(meeting.password),
            host_url=_sealed(meeting.host_url),
        )
    moved = any(name in changes and changes[name] != getattr(live_class, name) for name in _TIMING)
    if "price" in changes:
        changes["price"] = _priced(seen.course, changes["price"])
        changes["is_free"] = changes["price"] is None
    for name, value in changes.items():
        setattr(live_class, name, value)
    if moved:
        await _rescheduled(session, seen, live_class)
    if "max_attendees" in changes:
        await seats.seat_waitlisted(session, seen, live_class)
    await session.flush()
    return live_class


async def _rescheduled(session: AsyncSession, seen: Seen, live_class: LiveClass) -> None:
    """A new time: calendars replace the entry (a higher SEQUENCE), reminders come again."""
    live_class.sequence += 1
    await session.execute(
        update(LiveClassRegistration)
        .where(LiveClassRegistration.live_class_id == live_class.id)
        .values(reminder_sent=False, final_reminder_sent=False, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await _tell_everyone(
        session, seen, live_class, Text("A live class moved"), Text("New time for")
    )


async def _tell_everyone(
    session: AsyncSession, seen: Seen, live_class: LiveClass, title: Text, lead: Text
) -> None:
    """Tell the registrants; those with a seat get the calendar entry (its update or its
    cancellation), those waiting only the news."""
    registered, waitlisted = await seats.people(session, live_class.id)
    entry = Entry(live_class, seen.course.title, seen.course.uuid)
    for people, with_calendar in ((registered, True), (waitlisted, False)):
        await tell(session, entry, people, title=title, lead=lead, with_calendar=with_calendar)


async def cancel(session: AsyncSession, seen: Seen) -> LiveClass:
    live_class = await seats.locked(session, seen.live_class)
    if live_class.status is not LiveClassStatus.SCHEDULED:
        raise Conflict(
            f"only a scheduled class is cancelled; this one is {live_class.status.value}",
            code="live_class_not_scheduled",
        )
    live_class.status = LiveClassStatus.CANCELLED
    live_class.sequence += 1
    await _tell_everyone(
        session, seen, live_class, Text("A live class was cancelled"), Text("Cancelled:")
    )
    await session.flush()
    return live_class


async def start(session: AsyncSession, seen: Seen) -> LiveClass:
    live_class = await seats.locked(session, seen.live_class)
    if live_class.status is not LiveClassStatus.SCHEDULED:
        raise Conflict(
            f"only a scheduled class starts; this one is {live_class.status.value}",
            code="live_class_not_scheduled",
        )
    live_class.status = LiveClassStatus.LIVE
    live_class.started_at = utcnow()
    await session.flush()
    return live_class


async def end(session: AsyncSession, seen: Seen) -> LiveClass:
    live_class = await seats.locked(session, seen.live_class)
    if live_class.status not in (LiveClassStatus.SCHEDULED, LiveClassStatus.LIVE):
        raise Conflict(f"this class is already {live_class.status.value}", code="live_class_over")
    now = utcnow()
    live_class.status = LiveClassStatus.ENDED
    live_class.ended_at = now
    live_class.started_at = live_class.started_at or now
    await seats.close_attendance(session, live_class, now)
    await session.flush()
    return live_class
