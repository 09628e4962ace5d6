"""The commerce rules of the money audit (``lectern audit money``): each finds the rows that
break one rule, in one statement, and names them.

- an order's items add up to it: prices to the subtotal, discounts to its discount, and
  what they cost after it, plus the tax when prices exclude it, to its total;
- refunds never pay back more than an order was paid, and a refund's items add up to it;
- a coupon's ``used_count`` is the number of its uses.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Coupon, CouponUsage, Order, OrderItem, Refund, RefundItem, RefundStatus


async def problems(session: AsyncSession) -> list[str]:
    return [
        *await _orders_and_items(session),
        *await _refunds_within_payments(session),
        *await _refunds_and_their_items(session),
        *await _coupon_counts(session),
    ]


async def _orders_and_items(session: AsyncSession) -> list[str]:
    items = (
        select(
            OrderItem.order_id,
            func.sum(OrderItem.price).label("prices"),
            func.sum(OrderItem.discount).label("discounts"),
            func.sum(OrderItem.final_price).label("finals"),
            func.sum(OrderItem.price - OrderItem.discount - OrderItem.final_price).label("off"),
        )
        .group_by(OrderItem.order_id)
        .subquery()
    )
    rows = await session.execute(
        select(Order.order_number, Order.subtotal, Order.discount_amount, Order.total,
               items.c.prices, items.c.discounts, items.c.finals)
        .join(items, items.c.order_id == Order.id)
        .where(
            or_(
                Order.subtotal != items.c.prices,
                Order.discount_amount != items.c.discounts,
                items.c.off != 0,
                and_(
                    Order.total != items.c.finals + Order.tax_amount,
                    Order.total != items.c.finals,
                ),
            )
        )
        .order_by(Order.id)
    )  # fmt: skip
    return [
        f"order {row.order_number}: its items add up to {row.prices} less {row.discounts} "
        f"= {row.finals}, the order says {row.subtotal} less {row.discount_amount}, "
        f"total {row.total}"
        for row in rows
    ]


async def _refunds_within_payments(session: AsyncSession) -> list[str]:
    refunded = (
        select(Refund.order_id, func.sum(Refund.amount).label("amount"))
        .where(Refund.status == RefundStatus.PROCESSED)
        .group_by(Refund.order_id)
        .subquery()
    )
    rows = await session.execute(
        select(Order.order_number, Order.total, refunded.c.amount)
        .join(refunded, refunded.c.order_id == Order.id)
        .where(refunded.c.amount > Order.total)
        .order_by(Order.id)
    )
    return [
        f"order {row.order_number}: refunds of {row.amount} exceed its total {row.total}"
        for row in rows
    ]


async def _refunds_and_their_items(session: AsyncSession) -> list[str]:
    items = (
        select(RefundItem.refund_id, func.sum(RefundItem.amount).label("amount"))
        .group_by(RefundItem.refund_id)
        .subquery()
    )
    rows = await session.execute(
        select(Refund.uuid, Refund.amount, items.c.amount.label("items"))
        .join(items, items.c.refund_id == Refund.id)
        .where(items.c.amount != Refund.amount)
        .order_by(Refund.id)
    )
    return [f"refund {row.uuid}: its items add up to {row.items}, not {row.amount}" for row in rows]


async def _coupon_counts(session: AsyncSession) -> list[str]:
    uses = (
        select(CouponUsage.coupon_id, func.count(CouponUsage.id).label("uses"))
        .group_by(CouponUsage.coupon_id)
        .subquery()
    )
    counted = func.coalesce(uses.c.uses, 0)
    rows = await session.execute(
        select(Coupon.code, Coupon.used_count, counted.label("uses"))
        .outerjoin(uses, uses.c.coupon_id == Coupon.id)
        .where(Coupon.used_count != counted)
        .order_by(Coupon.id)
    )
    return [
        f"coupon {row.code}: used_count is {row.used_count}, it has {row.uses} uses" for row in rows
    ]
