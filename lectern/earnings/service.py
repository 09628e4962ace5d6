"""Recording what each sale earns, and clearing earnings once refunds can no longer take
them back.

``record_sale`` hears ``OrderPaid``: each item of the order is split (``split``) and an
earning is written for every instructor who has a part of it (one per item and instructor,
so hearing the same sale twice writes nothing twice); the item keeps the instructors' and
the platform's shares. Free items (a free coupon) earn nothing and write no earning.
Who pays for a coupon's discount is decided here, once: an instructor's coupon comes out of
the item's net (the commission is reckoned on what was paid); a platform coupon out of the
platform's share when ``earnings.platform_funds_its_coupons`` is on (the commission is
reckoned on the price before the discount).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import tax
from lectern.commerce.events import OrderPaid
from lectern.commerce.money import unit_of
from lectern.earnings.split import Split, split_item
from lectern.kit.sql import dialect_insert, rowcount
from lectern.kit.types import utcnow
from lectern.models import (
    Coupon,
    CourseInstructor,
    InstructorEarning,
    InstructorEarningStatus,
    InstructorProfile,
    Order,
    OrderItem,
)
from lectern.platform.service import get_value

DEFAULT_COMMISSION = Decimal(70)  # percent, when the owner has no instructor profile


async def record_sale(session: AsyncSession, event: OrderPaid) -> None:
    order = await session.get_one(Order, event.order_id)
    items = list(
        await session.scalars(
            select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        )
    )
    nets = tax.item_nets(
        order.total, order.tax_amount, [item.final_price for item in items], order.currency
    )
    platform_pays_discount = await _platform_pays_discount(session, order)
    rates = await _commission_rates(session, {item.instructor_id for item in items})
    teams = await _co_instructors(session, {item.course_id for item in items})
    unit = unit_of(order.currency)
    rows = []
    for item, net in zip(items, nets, strict=True):
        split = _split(item, net, platform_pays_discount, rates, teams, unit)
        item.instructor_share = split.instructors
        item.platform_share = split.platform
        if net > 0:
            rows += _earnings(order, item, net, split)
    if rows:
        statement = dialect_insert(InstructorEarning, session.get_bind().dialect.name)
        await session.execute(
            statement.values(rows).on_conflict_do_nothing(
                index_elements=["order_item_id", "instructor_id"]
            )
        )
    await session.flush()


def _split(
    item: OrderItem,
    net: Decimal,
    platform_pays_discount: bool,
    rates: dict[int, Decimal],
    teams: dict[int, list[tuple[int, Decimal]]],
    unit: Decimal,
) -> Split:
    reckoned_on = net
    if platform_pays_discount and item.discount > 0 and item.final_price > 0:
        # The price before the discount, before tax (scaled as the net was from the price paid).
        reckoned_on = (item.price * net / item.final_price).quantize(unit)
    return split_item(
        net=net,
        reckoned_on=reckoned_on,
        commission_rate=rates.get(item.instructor_id, DEFAULT_COMMISSION),
        owner_id=item.instructor_id,
        co_instructors=teams.get(item.course_id, []),
        unit=unit,
    )


def _earnings(order: Order, item: OrderItem, net: Decimal, split: Split) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "instructor_id": share.instructor_id,
            "course_id": item.course_id,
            "order_id": order.id,
            "order_item_id": item.id,
            "order_amount": net,
            "commission_rate": share.rate,
            "instructor_amount": share.amount,
            # The platform's part is written once, on the owner's row: an item's rows add up
            # to its net.
            "platform_amount": split.platform if index == 0 else net * 0,
            "status": InstructorEarningStatus.PENDING,
            "created_at": now,
            "updated_at": now,
        }
        for index, share in enumerate(split.shares)
        if share.amount > 0 or index == 0
    ]


async def _platform_pays_discount(session: AsyncSession, order: Order) -> bool:
    if order.coupon_id is None:
        return False
    instructor = await session.scalar(
        select(Coupon.instructor_id).where(Coupon.id == order.coupon_id)
    )
    if instructor is not None:
        return False  # an instructor's coupon: out of the item's net
    return bool(await get_value(session, "earnings.platform_funds_its_coupons", True))


async def _commission_rates(session: AsyncSession, owners: set[int]) -> dict[int, Decimal]:
    rows = await session.execute(
        select(InstructorProfile.user_id, InstructorProfile.commission_rate).where(
            InstructorProfile.user_id.in_(owners)
        )
    )
    return {row.user_id: row.commission_rate for row in rows}


async def _co_instructors(
    session: AsyncSession, courses: set[int]
) -> dict[int, list[tuple[int, Decimal]]]:
    rows = await session.execute(
        select(
            CourseInstructor.course_id,
            CourseInstructor.instructor_id,
            CourseInstructor.revenue_share,
        )
        .where(CourseInstructor.course_id.in_(courses), CourseInstructor.revenue_share > 0)
        .order_by(CourseInstructor.id)
    )
    teams: dict[int, list[tuple[int, Decimal]]] = {}
    for row in rows:
        teams.setdefault(row.course_id, []).append((row.instructor_id, row.revenue_share))
    return teams


async def clear_due(session: AsyncSession) -> int:
    """Pending earnings of orders paid longer ago than the refund window become cleared."""
    days = int(await get_value(session, "refunds.window_days", 30))
    paid_before = utcnow() - timedelta(days=days)
    cleared = await session.execute(
        update(InstructorEarning)
        .where(
            InstructorEarning.status == InstructorEarningStatus.PENDING,
            InstructorEarning.order_id.in_(select(Order.id).where(Order.paid_at < paid_before)),
        )
        .values(status=InstructorEarningStatus.CLEARED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(cleared)
