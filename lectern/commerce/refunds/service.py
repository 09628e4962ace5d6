"""Refunds: a buyer asks for the courses of an order back, an admin approves or rejects.

A request names items of a paid order of the buyer's (all that are left, by default), within
the refund window (``refunds.window_days`` since the payment) and under the progress limit
(``refunds.max_progress_percent`` of each course's lessons). Each item is worth its share of
what the order cost, tax included (the order's total spread over its items by their prices
after discount, largest remainder), so refunding every item gives back the total exactly.

Approving pays back through the order's gateway, ends the access the order gave (an
enrollment another order or a grant holds is left alone), turns the items' earnings to
refunded (an earning already paid out stays tied to its payout: the instructor's next payout
is smaller, a negative balance carrying forward), closes the order as refunded or partially
refunded, and publishes ``OrderRefunded``. The approval is one conditional update from
pending: of two admins approving at once, one refunds; the order's row is held meanwhile,
and no refund may take more than the order has left.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.money import allocate, unit_of
from lectern.commerce.orders.fulfilment import items_of
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    Enrollment,
    Order,
    OrderItem,
    OrderStatus,
    Refund,
    RefundItem,
    RefundStatus,
    User,
)
from lectern.platform.service import get_value

REFUNDABLE = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)
# Requests that still hold their items: an item is asked back once at a time, and refunded once.
HOLDING = (RefundStatus.PENDING, RefundStatus.APPROVED, RefundStatus.PROCESSED)


@dataclass(frozen=True)
class Requested:
    refund: Refund
    order: Order
    items: list[tuple[RefundItem, OrderItem]]


def item_amounts(order: Order, items: list[OrderItem]) -> dict[int, Decimal]:
    """What each item of ``order`` cost the buyer, tax included; they add up to the total."""
    prices = [item.final_price for item in items]
    if not items or order.total == 0 or sum(prices, Decimal(0)) == 0:
        return {item.id: order.total * 0 for item in items}
    parts = allocate(order.total, prices, unit_of(order.currency))
    return {item.id: part for item, part in zip(items, parts, strict=True)}


async def _held_items(session: AsyncSession, order: Order) -> set[int]:
    """Items already refunded or asked back."""
    rows = await session.scalars(
        select(RefundItem.order_item_id)
        .join(Refund, Refund.id == RefundItem.refund_id)
        .where(Refund.order_id == order.id, Refund.status.in_(HOLDING))
    )
    return set(rows)


async def request(
    session: AsyncSession,
    buyer: User,
    order_uuid: uuid.UUID,
    course_uuids: list[uuid.UUID] | None,
    reason: str,
) -> Requested:
    # The buyer's row first, then the order's (the order checkout and settlement take them).
    await session.execute(
        select(User.id).where(User.id == buyer.id).with_for_update(key_share=True)
    )
    order = await session.scalar(
        select(Order)
        .where(Order.uuid == order_uuid, Order.user_id == buyer.id, Order.deleted_at.is_(None))
        .with_for_update()
    )
    if order is None:
        raise NotFound("no such order")
    if order.status not in REFUNDABLE or order.paid_at is None:
        raise Conflict(
            f"the order is {order.status.value}: nothing to refund", code="not_refundable"
        )
    days = int(await get_value(session, "refunds.window_days", 30))
    if utcnow() - order.paid_at > timedelta(days=days):
        raise InvalidInput(
            f"refunds are given within {days} days of the purchase", code="refund_window_passed"
        )
    items = await items_of(session, order)
    chosen = await _chosen(session, order, items, course_uuids)
    amounts = item_amounts(order, items)
    await _check_progress(session, buyer, order, chosen)
    total = sum((amounts[item.id] for item in chosen), order.total * 0)
    if total == 0:
        raise InvalidInput(
            "these courses cost nothing: there is nothing to refund", code="nothing_to_refund"
        )
    refund = Refund(
        uuid=uuid.uuid4(),
        order_id=order.id,
        user_id=buyer.id,
        amount=total,
        currency=order.currency,
        reason=reason,
        status=RefundStatus.PENDING,
    )
    session.add(refund)
    await session.flush()
    lines = [
        RefundItem(refund_id=refund.id, order_item_id=item.id, amount=amounts[item.id])
        for item in chosen
    ]
    session.add_all(lines)
    await session.flush()
    return Requested(refund, order, list(zip(lines, chosen, strict=True)))


async def _chosen(
    session: AsyncSession,
    order: Order,
    items: list[OrderItem],
    course_uuids: list[uuid.UUID] | None,
) -> list[OrderItem]:
    held = await _held_items(session, order)
    if course_uuids is None:
        left = [item for item in items if item.id not in held]
        if not left:
            raise Conflict(
                "every course of this order is refunded or asked back already",
                code="already_requested",
            )
        return left
    found = await session.execute(
        select(Course.uuid, Course.id).where(Course.id.in_([item.course_id for item in items]))
    )
    by_uuid = {row.uuid: row.id for row in found}
    by_course = {item.course_id: item for item in items}
    chosen = []
    for wanted in dict.fromkeys(course_uuids):
        item = by_course.get(by_uuid.get(wanted, -1))
        if item is None:
            raise InvalidInput(f"course {wanted} is not in this order", field="body.items")
        if item.id in held:
            raise Conflict(
                f"“{item.course_title}” is refunded or asked back already", code="already_requested"
            )
        chosen.append(item)
    return chosen


async def _check_progress(
    session: AsyncSession, buyer: User, order: Order, chosen: list[OrderItem]
) -> None:
    limit = Decimal(int(await get_value(session, "refunds.max_progress_percent", 30)))
    rows = await session.execute(
        select(Enrollment.course_id, Enrollment.progress_percentage).where(
            Enrollment.user_id == buyer.id,
            Enrollment.order_id == order.id,
            Enrollment.course_id.in_([item.course_id for item in chosen]),
        )
    )
    titles = {item.course_id: item.course_title for item in chosen}
    for row in rows:
        if row.progress_percentage > limit:
            raise InvalidInput(
                f"“{titles[row.course_id]}” is {row.progress_percentage} % done: refunds are "
                f"given up to {limit} %",
                code="too_far_along",
            )


# -- reading ---------------------------------------------------------------------------------


async def refund_rows(
    session: AsyncSession, refunds: list[Refund]
) -> tuple[dict[int, Order], dict[int, list[tuple[RefundItem, OrderItem, uuid.UUID]]]]:
    """The orders and items of ``refunds`` (two statements, whatever their number)."""
    if not refunds:
        return {}, {}
    ids = [refund.id for refund in refunds]
    orders = {
        order.id: order
        for order in await session.scalars(
            select(Order).where(Order.id.in_({refund.order_id for refund in refunds}))
        )
    }
    rows = await session.execute(
        select(RefundItem, OrderItem, Course.uuid)
        .join(OrderItem, OrderItem.id == RefundItem.order_item_id)
        .join(Course, Course.id == OrderItem.course_id)
        .where(RefundItem.refund_id.in_(ids))
        .order_by(RefundItem.id)
    )
    items: dict[int, list[tuple[RefundItem, OrderItem, uuid.UUID]]] = {}
    for line, item, course_uuid in rows:
        items.setdefault(line.refund_id, []).append((line, item, course_uuid))
    return orders, items


def listing(*conditions: Any) -> Select[Refund]:
    return select(Refund).where(*conditions).order_by(Refund.created_at.desc(), Refund.id.desc())


async def my_refunds(
    session: AsyncSession, buyer: User, params: PageParams
) -> tuple[list[Refund], PageMeta]:
    return await paginate(session, listing(Refund.user_id == buyer.id), params)


async def all_refunds(
    session: AsyncSession, status: RefundStatus | None, params: PageParams
) -> tuple[list[Refund], PageMeta]:
    conditions = [Refund.status == status] if status is not None else []
    return await paginate(session, listing(*conditions), params)
