"""What becomes of an order after checkout.

- **Paid**: its courses are granted (the one enrollment row per course is renewed, or
  bought outright over a limited term or a subscription), they leave the cart, a receipt is
  mailed and ``OrderPaid`` is published.
- **Failed or expired** unpaid: the order is closed and the coupon use it reserved is
  released, so another checkout may take it.
- **Paid too late** (after it expired or failed): honoured when it still can be (no course
  already bought since, the coupon use taken again), refunded through the gateway otherwise.
- **Refunded at the gateway** (Stripe's dashboard): the money Lectern had not recorded is
  recorded as a refund; which courses to take back stays an admin's call.

Every function here expects the order's row to be held by the caller (checkout or the
settlement), so two of them never act on one order at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events, jobs
from lectern.commerce.cart import service as carts
from lectern.commerce.coupons import rules
from lectern.commerce.events import OrderPaid
from lectern.commerce.gateways.base import Gateway, GatewayEvent
from lectern.commerce.money import unit_of
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import LIVE_STATUSES
from lectern.learning.enrollments.service import grant
from lectern.mail.tasks import send_email
from lectern.models import (
    CartItem,
    Coupon,
    CouponUsage,
    Course,
    Enrollment,
    EnrollmentType,
    Order,
    OrderItem,
    OrderPaymentStatus,
    OrderStatus,
    Refund,
    RefundStatus,
    User,
)
from lectern.platform.service import get_value

log = logging.getLogger("lectern.commerce")

# Orders expired by one run of the periodic job; the next run takes the rest.
EXPIRY_BATCH = 200


async def reserve_coupon(session: AsyncSession, order: Order) -> None:
    """Take one use of the order's coupon: a conditional UPDATE that checks the limit, so
    with k uses left exactly k parallel checkouts get one."""
    assert order.coupon_id is not None
    taken = await session.execute(
        update(Coupon)
        .where(
            Coupon.id == order.coupon_id,
            or_(Coupon.usage_limit.is_(None), Coupon.used_count < Coupon.usage_limit),
        )
        .values(used_count=Coupon.used_count + 1)
        .execution_options(synchronize_session=False)
    )
    if rowcount(taken) == 0:
        raise rules.CouponRefused("this coupon has been used up", "coupon_used_up")
    session.add(
        CouponUsage(
            coupon_id=order.coupon_id,
            user_id=order.user_id,
            order_id=order.id,
            discount_amount=order.discount_amount,
        )
    )
    await session.flush()


async def release_coupon(session: AsyncSession, order: Order) -> None:
    """Give back the coupon use ``order`` reserved (nothing when it holds none)."""
    if order.coupon_id is None:
        return
    released = await session.execute(
        delete(CouponUsage).where(
            CouponUsage.order_id == order.id, CouponUsage.coupon_id == order.coupon_id
        )
    )
    if rowcount(released):
        await session.execute(
            update(Coupon)
            .where(Coupon.id == order.coupon_id, Coupon.used_count > 0)
            .values(used_count=Coupon.used_count - 1)
            .execution_options(synchronize_session=False)
        )


async def items_of(session: AsyncSession, order: Order) -> list[OrderItem]:
    return list(
        await session.scalars(
            select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        )
    )


async def fulfil(session: AsyncSession, order: Order, items: list[OrderItem]) -> None:
    """The order is paid: grant its courses, take them out of the cart, mail the receipt,
    and announce it."""
    order.status = OrderStatus.COMPLETED
    order.payment_status = OrderPaymentStatus.PAID
    order.paid_at = utcnow()
    # A coupon that made the order free is how the learner got in; any money paid, a purchase.
    free_by_coupon = order.coupon_id is not None and order.total == 0
    kind = EnrollmentType.COUPON if free_by_coupon else EnrollmentType.PAID
    courses = {
        course.id: course
        for course in await session.scalars(
            select(Course).where(Course.id.in_([item.course_id for item in items]))
        )
    }
    for item in items:
        if item.live_class_id is not None:
            continue  # a seat: the live classes domain seats the buyer on OrderPaid
        await grant(
            session,
            order.user_id,
            courses[item.course_id],
            kind,
            order_id=order.id,
            price_paid=item.final_price,
            currency=order.currency,
            check_prerequisites=False,
            purchase=True,
        )
    buyer = await session.get_one(User, order.user_id)
    cart = await carts.current_cart(session, carts.Shopper(buyer))
    if cart is not None:
        bought = [item.course_id for item in items]
        await session.execute(
            delete(CartItem).where(CartItem.cart_id == cart.id, CartItem.course_id.in_(bought))
        )
        cart.coupon_id = None
    await session.flush()
    _mail_receipt(session, buyer, order, items)
    await events.publish(session, OrderPaid(order.id, buyer.id, str(order.total), order.currency))


def _mail_receipt(session: AsyncSession, buyer: User, order: Order, items: list[OrderItem]) -> None:
    """A receipt is transactional mail: sent whatever the buyer's preferences."""
    jobs.after_commit(
        session,
        send_email,
        to=order.billing_email or buyer.email,
        template="receipt",
        context={
            "name": order.billing_name or buyer.name,
            "order_number": order.order_number,
            "paid_at": f"{order.paid_at:%Y-%m-%d %H:%M} UTC",
            "currency": order.currency,
            "items": [
                {"title": item.course_title, "price": str(item.final_price)} for item in items
            ],
            "subtotal": str(order.subtotal),
            "discount": str(order.discount_amount) if order.discount_amount else "",
            "coupon": order.coupon_code or "",
            "tax": str(order.tax_amount) if order.tax_amount else "",
            "total": str(order.total),
        },
    )


async def close_unpaid(session: AsyncSession, order: Order, status: OrderStatus, why: str) -> None:
    """A pending order ends without payment (``failed`` or ``cancelled``): its coupon use
    goes back."""
    order.status = status
    order.payment_status = OrderPaymentStatus.FAILED
    order.notes = why
    await release_coupon(session, order)
    await session.flush()


async def close_pending_of(session: AsyncSession, buyer: User) -> None:
    """A new checkout replaces the buyer's unpaid orders (a payment that still arrives for
    one of them is honoured or refunded like any late payment)."""
    pending = await session.scalars(
        select(Order)
        .where(Order.user_id == buyer.id, Order.status == OrderStatus.PENDING)
        .with_for_update()
    )
    for order in pending:
        await close_unpaid(session, order, OrderStatus.CANCELLED, "replaced by a later checkout")


async def expire_overdue(session: AsyncSession, now: datetime | None = None) -> int:
    """Close the pending orders older than ``orders.pending_minutes``; how many."""
    minutes = int(await get_value(session, "orders.pending_minutes", 60))
    before = (now or utcnow()) - timedelta(minutes=minutes)
    overdue = list(
        await session.scalars(
            select(Order)
            .where(Order.status == OrderStatus.PENDING, Order.created_at < before)
            .order_by(Order.id)
            .limit(EXPIRY_BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for order in overdue:
        await close_unpaid(session, order, OrderStatus.CANCELLED, "expired unpaid")
    return len(overdue)


async def settle_late_payment(session: AsyncSession, order: Order, gateway: Gateway) -> str:
    """A payment for an order that had expired or failed: fulfilled when every course can
    still be had and the coupon use taken again, else paid back. What was done, in words."""
    items = await items_of(session, order)
    problem = await _why_not_honoured(session, order, items)
    if problem is None and order.coupon_id is not None:
        try:
            await reserve_coupon(session, order)
        except rules.CouponRefused:
            problem = "its coupon has been used up since"
    if problem is None:
        order.notes = "paid after it had closed; honoured"
        await fulfil(session, order, items)
        return "paid late and honoured"
    reference = await gateway.refund(order, order.total)
    now = utcnow()
    session.add(
        Refund(
            order_id=order.id,
            user_id=order.user_id,
            amount=order.total,
            currency=order.currency,
            reason=f"paid after the order had closed, and {problem}",
            status=RefundStatus.PROCESSED,
            transaction_id=reference,
            processed_at=now,
        )
    )
    order.status = OrderStatus.REFUNDED
    order.payment_status = OrderPaymentStatus.REFUNDED
    order.paid_at = now
    order.notes = f"paid late and refunded automatically: {problem}"
    await session.flush()
    log.warning("order %s was paid late and refunded: %s", order.order_number, problem)
    return f"paid late and refunded: {problem}"


async def _why_not_honoured(
    session: AsyncSession, order: Order, items: list[OrderItem]
) -> str | None:
    courses = [item.course_id for item in items]
    gone = await session.scalar(
        select(Course.id).where(Course.id.in_(courses), Course.deleted_at.is_not(None)).limit(1)
    )
    if gone is not None:
        return "one of its courses is no longer offered"
    owned = await session.scalar(
        select(Enrollment.id)
        .where(
            Enrollment.user_id == order.user_id,
            Enrollment.course_id.in_(courses),
            Enrollment.status.in_(LIVE_STATUSES),
            Enrollment.is_active.is_(True),
            Enrollment.deleted_at.is_(None),
            Enrollment.expires_at.is_(None),
            Enrollment.enrollment_type != EnrollmentType.SUBSCRIPTION,
        )
        .limit(1)
    )
    if owned is not None:
        return "the buyer has one of its courses for life already"
    return None


async def record_gateway_refund(
    session: AsyncSession, order: Order, event: GatewayEvent
) -> str | None:
    """The gateway says ``event.amount`` (minor units) of the order's payment went back in all:
    what Lectern has not recorded of it becomes a processed refund. What was done, or None
    when every refund it reports is recorded already (Lectern's own, say)."""
    unit = unit_of(order.currency)
    refunded = Decimal(event.amount or 0) * unit
    recorded = (
        await session.scalar(
            select(func.sum(Refund.amount)).where(
                Refund.order_id == order.id, Refund.status == RefundStatus.PROCESSED
            )
        )
        or order.total * 0
    )
    extra = min(refunded, order.total) - recorded
    if extra <= 0:
        return None
    session.add(
        Refund(
            order_id=order.id,
            user_id=order.user_id,
            amount=extra,
            currency=order.currency,
            reason="refunded at the payment gateway, outside Lectern",
            status=RefundStatus.PROCESSED,
            transaction_id=event.payment,
            processed_at=utcnow(),
        )
    )
    full = recorded + extra >= order.total
    order.status = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
    if full:
        order.payment_status = OrderPaymentStatus.REFUNDED
    await session.flush()
    log.warning(
        "order %s: %s %s refunded at the gateway outside Lectern; its courses stay granted "
        "until an admin decides",
        order.order_number,
        extra,
        order.currency,
    )
    return f"recorded a refund of {extra} made at the gateway"
