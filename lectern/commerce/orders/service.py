"""Checkout and the buyer's orders.

Checkout turns the cart as it stands into an order priced at that moment: every line must
be buyable, the coupon must still apply, and a use of it is reserved with a conditional
UPDATE that checks the limit (parallel checkouts never take more uses than there are; one
buyer's checkouts run one at a time, so a per-buyer limit holds as well). The discount is
spread over the lines it applies to by largest remainder, to the cent.

An order that costs nothing (a free coupon) is paid at once: its courses are granted, the
cart lines it bought are removed, and ``OrderPaid`` is published. Payment gateways for the
rest come next; until one is set up, checkout of an order that costs money is refused.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.commerce.cart import service as carts
from lectern.commerce.coupons import rules
from lectern.commerce.events import OrderPaid
from lectern.commerce.money import allocate, unit_of
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning.enrollments.service import grant
from lectern.models import (
    CartItem,
    Coupon,
    CouponUsage,
    Course,
    EnrollmentType,
    Order,
    OrderItem,
    OrderPaymentStatus,
    OrderStatus,
    User,
)

NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone


@dataclass(frozen=True)
class Placed:
    order: Order
    items: list[OrderItem]


def _order_number() -> str:
    """LEC-YYYYMMDD-XXXXXXXX: the day, and 40 random bits a person can read out."""
    tail = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"LEC-{utcnow():%Y%m%d}-{tail}"


async def checkout(session: AsyncSession, user: User) -> Placed:
    # One checkout at a time per buyer (PostgreSQL's FOR NO KEY UPDATE on their row, taken
    # before anything refers to it; SQLite has one writer): without it the same cart checked
    # out ten times at once became ten orders. Each later one now finds the cart emptied,
    # and a per-buyer coupon limit holds too.
    await session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    shopper = carts.Shopper(user)
    shown = await carts.view(session, shopper, await carts.current_cart(session, shopper))
    if shown.cart is None or not shown.lines or shown.currency is None:
        raise Conflict("your cart is empty", code="cart_empty")
    stuck = [(item, line) for item, line in shown.lines if line.reason is not None]
    if stuck:
        raise Conflict(
            "some courses in your cart cannot be bought now: take them out first",
            code="cart_has_unbuyable",
            extra={"items": [{"id": item.id, "reason": line.reason} for item, line in stuck]},
        )
    if shown.coupon is not None and shown.coupon_problem is not None:
        raise rules.CouponRefused(shown.coupon_problem["detail"], shown.coupon_problem["code"])
    if shown.total > 0:
        raise InvalidInput(
            "no payment gateway is set up yet: only orders that cost nothing can be placed",
            code="payment_unavailable",
        )
    order = await _new_order(session, user, shown)
    if shown.coupon is not None:
        await _reserve(session, shown.coupon, user, order)
    items = _items(order, shown)
    session.add_all(items)
    await session.flush()
    await _fulfil(session, user, order, items)
    return Placed(order, items)


async def _new_order(session: AsyncSession, user: User, shown: carts.CartView) -> Order:
    now = utcnow()
    for _ in range(3):  # a clash of random numbers is unlikely; three in a row, impossible
        number = _order_number()
        values = {
            "uuid": uuid.uuid4(),
            "order_number": number,
            "user_id": user.id,
            "subtotal": shown.subtotal,
            "discount_amount": shown.discount,
            "tax_amount": Decimal(0),
            "total": shown.total,
            "currency": shown.currency,
            "coupon_id": shown.coupon.id if shown.coupon else None,
            "coupon_code": shown.coupon.code if shown.coupon else None,
            "status": OrderStatus.PENDING,
            "payment_status": OrderPaymentStatus.PENDING,
            "billing_name": user.name,
            "billing_email": user.email,
            "created_at": now,
            "updated_at": now,
        }
        if await insert_ignore(session, Order, values, ["order_number"]):
            order = await session.scalar(select(Order).where(Order.order_number == number))
            assert order is not None
            return order
    raise Conflict("could not number the order; try again", code="busy")


async def _reserve(session: AsyncSession, coupon: Coupon, user: User, order: Order) -> None:
    """Take one use of ``coupon`` for ``order``: a conditional UPDATE that checks the limit,
    so with k uses left exactly k parallel checkouts get one."""
    taken = await session.execute(
        update(Coupon)
        .where(
            Coupon.id == coupon.id,
            or_(Coupon.usage_limit.is_(None), Coupon.used_count < Coupon.usage_limit),
        )
        .values(used_count=Coupon.used_count + 1)
        .execution_options(synchronize_session=False)
    )
    if rowcount(taken) == 0:
        raise rules.CouponRefused("this coupon has been used up", "coupon_used_up")
    session.add(
        CouponUsage(
            coupon_id=coupon.id,
            user_id=user.id,
            order_id=order.id,
            discount_amount=order.discount_amount,
        )
    )


def _items(order: Order, shown: carts.CartView) -> list[OrderItem]:
    """The order's lines at today's prices, the discount spread over the lines the coupon
    applies to in proportion to their prices (largest remainder, to the cent)."""
    lines = carts.coupon_lines(shown)
    applies = [shown.coupon is not None and rules.applies_to(shown.coupon, line) for line in lines]
    shares = iter(
        allocate(
            order.discount_amount,
            [line.price for line, takes in zip(lines, applies, strict=True) if takes],
            unit_of(order.currency),
        )
        if any(applies) and order.discount_amount > 0
        else []
    )
    items = []
    for (_, line), takes in zip(shown.buyable, applies, strict=True):
        price = line.price or Decimal(0)
        discount = next(shares, Decimal(0)) if takes else Decimal(0)
        items.append(
            OrderItem(
                order_id=order.id,
                course_id=line.course.id,
                instructor_id=line.course.instructor_id,
                course_title=line.course.title,
                price=price,
                discount=discount,
                final_price=price - discount,
            )
        )
    return items


async def _fulfil(session: AsyncSession, user: User, order: Order, items: list[OrderItem]) -> None:
    """The order is paid: grant its courses (the one enrollment row per course is renewed if
    it lapsed), take them out of the cart, and announce it."""
    order.status = OrderStatus.COMPLETED
    order.payment_status = OrderPaymentStatus.PAID
    order.paid_at = utcnow()
    kind = EnrollmentType.COUPON if order.coupon_id is not None else EnrollmentType.PAID
    courses = {
        course.id: course
        for course in await session.scalars(
            select(Course).where(Course.id.in_([item.course_id for item in items]))
        )
    }
    for item in items:
        await grant(
            session,
            user.id,
            courses[item.course_id],
            kind,
            order_id=order.id,
            price_paid=item.final_price,
            currency=order.currency,
            check_prerequisites=False,
        )
    cart = await carts.current_cart(session, carts.Shopper(user))
    if cart is not None:
        bought = [item.course_id for item in items]
        await session.execute(
            delete(CartItem).where(CartItem.cart_id == cart.id, CartItem.course_id.in_(bought))
        )
        cart.coupon_id = None
    await session.flush()
    await events.publish(session, OrderPaid(order.id, user.id, str(order.total), order.currency))


# -- reading ---------------------------------------------------------------------------------


async def my_orders(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[Order], PageMeta]:
    statement = (
        select(Order)
        .where(Order.user_id == user.id, Order.deleted_at.is_(None))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    return await paginate(session, statement, params)


async def my_order(session: AsyncSession, user: User, order_uuid: uuid.UUID) -> Placed:
    """One of the user's orders with its lines (404 for anyone else's)."""
    order = await session.scalar(
        select(Order).where(
            Order.uuid == order_uuid, Order.user_id == user.id, Order.deleted_at.is_(None)
        )
    )
    if order is None:
        raise NotFound("no such order")
    items = list(
        await session.scalars(
            select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        )
    )
    return Placed(order, items)


async def course_uuids(session: AsyncSession, items: list[OrderItem]) -> dict[int, uuid.UUID]:
    if not items:
        return {}
    rows = await session.execute(
        select(Course.id, Course.uuid).where(Course.id.in_([item.course_id for item in items]))
    )
    return {row.id: row.uuid for row in rows}
