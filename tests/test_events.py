"""Domain events: subscribers run in order, inside the publisher's unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.models import User
from tests.factories import create_user


@dataclass(frozen=True)
class Renamed(events.Event):
    user_id: int


@dataclass(frozen=True)
class Other(events.Event):
    pass


async def test_handlers_run_in_order_in_the_same_transaction(session: AsyncSession) -> None:
    user = await create_user(session, name="Before")
    calls: list[str] = []

    async def first(db: AsyncSession, event: Renamed) -> None:
        calls.append("first")
        (await db.get_one(User, event.user_id)).name = "After"

    async def second(db: AsyncSession, event: Renamed) -> None:
        calls.append("second")

    events.subscribe(Renamed, first)
    events.subscribe(Renamed, second)
    events.subscribe(Renamed, first)  # subscribing twice changes nothing
    try:
        await events.publish(session, Renamed(user.id))
        await events.publish(session, Other())  # no subscribers: nothing runs
    finally:
        events.unsubscribe(Renamed, first)
        events.unsubscribe(Renamed, second)

    assert calls == ["first", "second"]
    await session.flush()
    assert await session.scalar(select(User.name).where(User.id == user.id)) == "After"
    assert events.published(session) == [Renamed(user.id), Other()]


async def test_an_unsubscribed_handler_no_longer_runs(session: AsyncSession) -> None:
    calls: list[Renamed] = []

    @events.handles(Renamed)
    async def record(db: AsyncSession, event: Renamed) -> None:
        calls.append(event)

    await events.publish(session, Renamed(1))
    events.unsubscribe(Renamed, record)
    await events.publish(session, Renamed(2))
    assert calls == [Renamed(1)]
