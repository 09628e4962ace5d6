"""The cart's coupon: what it takes off the lines that can be bought, or why it takes nothing.

The rules are the coupons' (commerce.coupons.rules); this gathers the facts they need about
the buyer: their uses of the coupon, and whether they bought anything before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.coupons import rules
from lectern.kit.types import utcnow
from lectern.models import Coupon, CouponUsage, Order, OrderPaymentStatus, OrderStatus, User


@dataclass(frozen=True)
class Priced:
    coupon: Coupon | None
    discount: Decimal = Decimal(0)
    problem: dict[str, str] | None = None


async def buyer(session: AsyncSession, coupon: Coupon, user: User) -> rules.Buyer:
    """The buyer's uses of ``coupon`` (and how many their unpaid orders hold) and whether they
    have paid for an order (one statement)."""
    mine = (CouponUsage.coupon_id == coupon.id, CouponUsage.user_id == user.id)
    uses = select(func.count(CouponUsage.id)).where(*mine).scalar_subquery()
    waiting = (
        select(func.count(CouponUsage.id))
        .join(Order, Order.id == CouponUsage.order_id)
        .where(*mine, Order.status == OrderStatus.PENDING)
        .scalar_subquery()
    )
    purchased = exists().where(
        Order.user_id == user.id, Order.payment_status == OrderPaymentStatus.PAID
    )
    row = (await session.execute(select(uses, purchased, waiting))).one()
    return rules.Buyer(uses=int(row[0]), has_purchased=bool(row[1]), waiting=int(row[2]))


async def check(
    session: AsyncSession, coupon: Coupon, user: User, lines: list[rules.Line], currency: str
) -> Decimal:
    """What ``coupon`` takes off for ``user``; CouponRefused says why it takes nothing."""
    rules.check_usable(coupon, await buyer(session, coupon, user), utcnow())
    return rules.discount(coupon, lines, currency)


async def priced(
    session: AsyncSession,
    coupon_id: int | None,
    user: User | None,
    lines: list[rules.Line],
    currency: str | None,
) -> Priced:
    if coupon_id is None or user is None:
        return Priced(None)
    coupon = await session.get(Coupon, coupon_id)
    if coupon is None:
        return Priced(None)
    if currency is None or not lines:
        return Priced(coupon, problem={"code": "cart_empty", "detail": "nothing to discount"})
    try:
        return Priced(coupon, await check(session, coupon, user, lines, currency))
    except rules.CouponRefused as refused:
        return Priced(coupon, problem={"code": refused.code, "detail": refused.detail})
