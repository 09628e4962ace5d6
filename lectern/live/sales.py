"""Seats bought: an order paid seats its buyer in the live classes it sold (their
confirmation, with the calendar entry), a refund takes the seat back. Seats in a priced
class come only this way; checkout checked the seats left, and a seat paid for is given
even if a parallel order took the last one meanwhile (the class then runs one over)."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.events import OrderPaid, OrderRefunded
from lectern.kit.i18n import Text
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.live.calendar import Entry
from lectern.live.telling import tell
from lectern.models import (
    Course,
    LiveClass,
    LiveClassRegistration,
    LiveRegistrationStatus,
    Order,
    OrderItem,
    RefundItem,
)


async def seat_buyers(session: AsyncSession, event: OrderPaid) -> None:
    rows = await session.execute(
        select(LiveClass, Course.title, Course.uuid)
        .join(OrderItem, OrderItem.live_class_id == LiveClass.id)
        .join(Course, Course.id == LiveClass.course_id)
        .where(OrderItem.order_id == event.order_id)
    )
    for live_class, course_title, course_uuid in rows:
        seated = await insert_ignore(
            session,
            LiveClassRegistration,
            {
                "live_class_id": live_class.id,
                "user_id": event.user_id,
                "status": LiveRegistrationStatus.REGISTERED,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            },
            ["live_class_id", "user_id"],
        )
        if not seated:
            continue  # the webhook came twice: one seat
        await _count(session, live_class.id, 1)
        await tell(
            session,
            Entry(live_class, course_title, course_uuid),
            [event.user_id],
            title=Text("You have a seat"),
            lead=Text("Paid: you are registered for"),
            with_calendar=True,
        )


async def unseat_refunded(session: AsyncSession, event: OrderRefunded) -> None:
    """The seats a refund paid back are given up (their classes have them free again)."""
    refunded = (
        select(OrderItem.live_class_id)
        .join(RefundItem, RefundItem.order_item_id == OrderItem.id)
        .where(RefundItem.refund_id == event.refund_id, OrderItem.live_class_id.is_not(None))
    )
    buyer = select(Order.user_id).where(Order.id == event.order_id)
    gone = list(
        await session.scalars(
            delete(LiveClassRegistration)
            .where(
                LiveClassRegistration.live_class_id.in_(refunded.scalar_subquery()),
                LiveClassRegistration.user_id == buyer.scalar_subquery(),
            )
            .returning(LiveClassRegistration.live_class_id)
        )
    )
    for live_class_id in gone:
        await _count(session, live_class_id, -1)


async def _count(session: AsyncSession, live_class_id: int, by: int) -> None:
    await session.execute(
        update(LiveClass)
        .where(LiveClass.id == live_class_id)
        .values(registered_count=LiveClass.registered_count + by)
        .execution_options(synchronize_session=False)
    )
