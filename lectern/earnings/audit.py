"""The earnings rule of the money audit: for every sold item with earnings, the instructors'
parts and the platform's add up to what the item brought in, and the item's own shares say
the same."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import InstructorEarning, Order, OrderItem


async def problems(session: AsyncSession) -> list[str]:
    parts = (
        select(
            InstructorEarning.order_item_id,
            func.max(InstructorEarning.order_amount).label("net"),
            func.min(InstructorEarning.order_amount).label("net_low"),
            func.sum(InstructorEarning.instructor_amount).label("instructors"),
            func.sum(InstructorEarning.platform_amount).label("platform"),
        )
        .group_by(InstructorEarning.order_item_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Order.order_number,
            OrderItem.course_title,
            OrderItem.instructor_share,
            OrderItem.platform_share,
            parts.c.net,
            parts.c.instructors,
            parts.c.platform,
        )
        .join(parts, parts.c.order_item_id == OrderItem.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            or_(
                parts.c.net != parts.c.net_low,
                parts.c.instructors + parts.c.platform != parts.c.net,
                OrderItem.instructor_share != parts.c.instructors,
                OrderItem.platform_share != parts.c.platform,
            )
        )
        .order_by(OrderItem.id)
    )
    return [
        f"order {row.order_number}, “{row.course_title}”: earnings of {row.instructors} and "
        f"the platform's {row.platform} do not make up {row.net} (the item says "
        f"{row.instructor_share} and {row.platform_share})"
        for row in rows
    ]
