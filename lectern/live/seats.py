"""Seats of a live class: registering (a seat while there are some, else the waitlist, in
order), withdrawing (the next one waiting takes the seat), joining and leaving (attendance
and watch time).

Every change of seats holds the class's row (``locked``) until it commits: registrations of
one class queue behind each other, so ``max_attendees`` holds under any number of parallel
requests (SQLite's writers queue anyway).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern.errors import Conflict, Forbidden, NotFound
from lectern.kit.i18n import Text, moment
from lectern.kit.types import utcnow
from lectern.live.calendar import Entry, ends_at
from lectern.live.policy import Seen
from lectern.live.schemas import RegistrationOut
from lectern.live.telling import tell
from lectern.models import (
    LiveClass,
    LiveClassRegistration,
    LiveClassStatus,
    LiveRegistrationStatus,
    User,
)
from lectern.platform.service import get_value

Registration = LiveClassRegistration
REGISTERED = LiveRegistrationStatus.REGISTERED
WAITLISTED = LiveRegistrationStatus.WAITLISTED
OPEN = (LiveClassStatus.SCHEDULED, LiveClassStatus.LIVE)


def sold(live_class: LiveClass) -> bool:
    """Whether seats are bought (through the cart) rather than taken."""
    return bool(live_class.price) and not live_class.is_free


async def locked(session: AsyncSession, live_class: LiveClass) -> LiveClass:
    """The class's row as it is now, held until the unit of work ends."""
    return (
        await session.scalars(
            select(LiveClass)
            .where(LiveClass.id == live_class.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()


async def people(session: AsyncSession, live_class_id: int) -> tuple[list[int], list[int]]:
    """The users with a seat, and those waiting (in order)."""
    rows = await session.execute(
        select(Registration.user_id, Registration.status)
        .where(Registration.live_class_id == live_class_id)
        .order_by(Registration.id)
    )
    seated: list[int] = []
    waiting: list[int] = []
    for user_id, status in rows:
        (seated if status == REGISTERED else waiting).append(user_id)
    return seated, waiting


def position_in_waitlist() -> object:
    """A column: the registration's place in its class's waitlist (1: the next seated)."""
    ahead = aliased(Registration)
    return (
        select(func.count())
        .where(
            ahead.live_class_id == Registration.live_class_id,
            ahead.status == WAITLISTED,
            ahead.id <= Registration.id,
        )
        .scalar_subquery()
    )


async def mine(
    session: AsyncSession, user: User, class_ids: list[int]
) -> dict[int, tuple[LiveRegistrationStatus, int | None]]:
    """The user's registration in each of the classes: its status and waitlist place."""
    if not class_ids:
        return {}
    rows = await session.execute(
        select(
            Registration.live_class_id,
            Registration.status,
            case((Registration.status == WAITLISTED, position_in_waitlist()), else_=None),
        ).where(Registration.user_id == user.id, Registration.live_class_id.in_(class_ids))
    )
    return {class_id: (status, place) for class_id, status, place in rows}


async def waitlist_counts(session: AsyncSession, class_ids: list[int]) -> dict[int, int]:
    if not class_ids:
        return {}
    rows = await session.execute(
        select(Registration.live_class_id, func.count())
        .where(Registration.live_class_id.in_(class_ids), Registration.status == WAITLISTED)
        .group_by(Registration.live_class_id)
    )
    return {class_id: int(count) for class_id, count in rows}


def _entry(seen: Seen, live_class: LiveClass) -> Entry:
    return Entry(live_class, seen.course.title, seen.course.uuid)


async def register(session: AsyncSession, user: User, seen: Seen) -> RegistrationOut:
    """A seat while there are some, else a place in the waitlist; registering again
    answers the registration there is."""
    if seen.is_staff:
        raise Conflict("the course's staff join from the studio, without a seat", code="staff")
    live_class = await locked(session, seen.live_class)
    if live_class.status not in OPEN:
        raise Conflict(f"this class is {live_class.status.value}", code="live_class_closed")
    held = await mine(session, user, [live_class.id])
    if live_class.id in held:
        status, place = held[live_class.id]
        return RegistrationOut(status=status.value, waitlist_position=place)
    if sold(live_class):
        raise Conflict(
            "seats in this class are sold: put it in your cart (POST /cart/items with live_class)",
            code="seat_for_sale",
        )
    limit = live_class.max_attendees
    seated = limit is None or live_class.registered_count < limit
    session.add(
        Registration(
            live_class_id=live_class.id,
            user_id=user.id,
            status=REGISTERED if seated else WAITLISTED,
        )
    )
    if seated:
        await _count_seats(session, live_class, 1)
        await tell(
            session,
            _entry(seen, live_class),
            [user.id],
            title=Text("You have a seat"),
            lead=Text("You are registered for"),
            with_calendar=True,
        )
        await session.flush()
        return RegistrationOut(status=REGISTERED.value)
    await session.flush()
    place = (await mine(session, user, [live_class.id]))[live_class.id][1]
    await tell(
        session,
        _entry(seen, live_class),
        [user.id],
        title=Text("You are on the waitlist"),
        lead=Text("You are number {place} on the waitlist of", place=place),
        with_calendar=False,
    )
    return RegistrationOut(status=WAITLISTED.value, waitlist_position=place)


async def withdraw(session: AsyncSession, user: User, seen: Seen) -> None:
    """Give up one's seat (the first one waiting takes it) or one's place in the waitlist."""
    live_class = await locked(session, seen.live_class)
    if live_class.status not in OPEN:
        raise Conflict(f"this class is {live_class.status.value}", code="live_class_closed")
    if sold(live_class):
        raise Conflict("a paid seat is given up by asking for a refund", code="paid_seat")
    gone = (
        await session.execute(
            delete(Registration)
            .where(Registration.live_class_id == live_class.id, Registration.user_id == user.id)
            .returning(Registration.status)
        )
    ).scalar_one_or_none()
    if gone is None:
        raise NotFound("you are not registered for this class", code="not_registered")
    if gone == REGISTERED:
        await _count_seats(session, live_class, -1)
        await seat_waitlisted(session, seen, live_class)


async def seat_waitlisted(session: AsyncSession, seen: Seen, live_class: LiveClass) -> None:
    """Seat the first ones waiting, as many as there are free seats (the row held)."""
    limit = live_class.max_attendees
    free = None if limit is None else limit - live_class.registered_count
    if free is not None and free <= 0:
        return
    waiting = select(Registration.id).where(
        Registration.live_class_id == live_class.id, Registration.status == WAITLISTED
    )
    if free is not None:
        waiting = waiting.order_by(Registration.id).limit(free)
    seated = list(
        await session.scalars(
            update(Registration)
            .where(Registration.id.in_(waiting.scalar_subquery()))
            .values(status=REGISTERED, updated_at=utcnow())
            .returning(Registration.user_id)
            .execution_options(synchronize_session=False)
        )
    )
    if seated:
        await _count_seats(session, live_class, len(seated))
        await tell(
            session,
            _entry(seen, live_class),
            seated,
            title=Text("A seat is yours"),
            lead=Text("A seat freed up: you are registered for"),
            with_calendar=True,
        )


async def _count_seats(session: AsyncSession, live_class: LiveClass, by: int) -> None:
    await session.execute(
        update(LiveClass)
        .where(LiveClass.id == live_class.id)
        .values(registered_count=LiveClass.registered_count + by)
        .execution_options(synchronize_session=False)
    )
    live_class.registered_count += by


# -- attendance ---------------------------------------------------------------------------------


async def join_opens(session: AsyncSession, live_class: LiveClass) -> datetime:
    minutes = int(await get_value(session, "live.join_opens_minutes", 10))
    return live_class.scheduled_at - timedelta(minutes=minutes)


async def join(session: AsyncSession, user: User, seen: Seen) -> LiveClass:
    """Let a registrant in (from a few minutes before the start until the class ends) and
    record it; the caller reveals the link."""
    live_class = seen.live_class
    if live_class.status not in OPEN:
        raise Conflict(f"this class is {live_class.status.value}", code="live_class_closed")
    registration = await session.scalar(
        select(Registration).where(
            Registration.live_class_id == live_class.id, Registration.user_id == user.id
        )
    )
    if registration is None or registration.status != REGISTERED:
        waiting = registration is not None
        raise Forbidden(
            "you are on the waitlist of this class" if waiting else "register for this class first",
            code="waitlisted" if waiting else "not_registered",
        )
    now = utcnow()
    opens = await join_opens(session, live_class)
    if now < opens:
        raise Forbidden(
            f"the link opens at {moment(opens, live_class.timezone, 'en')}",
            code="not_open_yet",
            extra={"opens_at": opens.isoformat()},
        )
    if now > ends_at(live_class) and live_class.status is LiveClassStatus.SCHEDULED:
        raise Conflict("this class's time is over", code="live_class_closed")
    first_time = not registration.attended
    if registration.joined_at is None or registration.left_at is not None:
        registration.joined_at, registration.left_at = now, None
    registration.attended = True
    await session.flush()
    inside = (
        select(func.count())
        .where(
            Registration.live_class_id == live_class.id,
            Registration.joined_at.is_not(None),
            Registration.left_at.is_(None),
        )
        .scalar_subquery()
    )
    await session.execute(
        update(LiveClass)
        .where(LiveClass.id == live_class.id)
        .values(
            attended_count=LiveClass.attended_count + (1 if first_time else 0),
            peak_viewers=case(
                (LiveClass.peak_viewers < inside, inside), else_=LiveClass.peak_viewers
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return live_class


async def leave(session: AsyncSession, user: User, seen: Seen) -> None:
    registration = await session.scalar(
        select(Registration).where(
            Registration.live_class_id == seen.live_class.id, Registration.user_id == user.id
        )
    )
    if registration is None or registration.joined_at is None:
        raise Conflict("you have not joined this class", code="not_joined")
    if registration.left_at is None:
        _left(registration, utcnow())
        await session.flush()


def _left(registration: Registration, now: datetime) -> None:
    assert registration.joined_at is not None
    registration.left_at = now
    registration.watch_time += max(0, int((now - registration.joined_at).total_seconds()))


async def close_attendance(session: AsyncSession, live_class: LiveClass, now: datetime) -> None:
    """The class ended: whoever is still inside leaves now."""
    inside = await session.scalars(
        select(Registration).where(
            Registration.live_class_id == live_class.id,
            Registration.joined_at.is_not(None),
            Registration.left_at.is_(None),
        )
    )
    for registration in inside:
        _left(registration, now)
