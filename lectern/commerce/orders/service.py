"""Checkout and the buyer's orders.

Checkout turns the cart as it stands into an order priced at that moment: every line must
be buyable, the coupon must still apply, and a use of it is reserved with a conditional
UPDATE that checks the limit (parallel checkouts never take more uses than there are; one
buyer's checkouts run one at a time, so a per-buyer limit holds as well). The discount is
spread over the lines it applies to by largest remainder, to the cent.

An order that costs nothing (a free coupon) is paid at once (``fulfilment.fulfil``). Any
other waits, ``pending``, for its payment through the gateway the buyer chose: the gateway
gives the page to pay on, and its events settle the order (``commerce.payments``). A new
checkout closes the buyer's earlier unpaid orders and releases their coupon uses.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import tax
from lectern.commerce.cart import service as carts
from lectern.commerce.coupons import rules
from lectern.commerce.gateways import registry as gateways
from lectern.commerce.money import allocate, unit_of
from lectern.commerce.orders import fulfilment
from lectern.errors import Conflict, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    ItemType,
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


async def checkout(
    session: AsyncSession,
    user: User,
    gateway_name: str | None = None,
    billing: dict[str, str] | None = None,
) -> Placed:
    # One checkout at a time per buyer (PostgreSQL's FOR NO KEY UPDATE on their row, taken
    # before anything refers to it; SQLite has one writer): without it the same cart checked
    # out ten times at once became ten orders. Each later one now finds the cart emptied,
    # and a per-buyer coupon limit holds too.
    await session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    gateway = gateways.chosen(gateway_name)
    await fulfilment.close_pending_of(session, user)
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
    billing = {"name": user.name, "email": user.email, **(billing or {})}
    rule = await tax.rule_for(session, billing.get("country"))
    taxed = tax.apply(rule, shown.total, shown.currency)
    order = await _new_order(session, user, shown, taxed, billing)
    if shown.coupon is not None:
        await fulfilment.reserve_coupon(session, order)
    # One INSERT for every line (executemany), one SELECT back: two statements, however long
    # the cart.
    await session.execute(insert(OrderItem), _items(order, shown))
    items = await fulfilment.items_of(session, order)
    if order.total == 0:
        await fulfilment.fulfil(session, order, items)
    else:
        started = await gateway.start(order, items)
        order.payment_gateway = gateway.name
        order.transaction_id = started.reference
        order.payment_details = {"url": started.url} if started.url else None
        await session.flush()
    return Placed(order, items)


async def _new_order(
    session: AsyncSession,
    user: User,
    shown: carts.CartView,
    taxed: tax.Taxed,
    billing: dict[str, str],
) -> Order:
    now = utcnow()
    for _ in range(3):  # a clash of random numbers is unlikely; three in a row, impossible
        number = _order_number()
        values = {
            "uuid": uuid.uuid4(),
            "order_number": number,
            "user_id": user.id,
            "subtotal": shown.subtotal,
            "discount_amount": shown.discount,
            "tax_amount": taxed.tax,
            "total": taxed.total,
            "currency": shown.currency,
            "coupon_id": shown.coupon.id if shown.coupon else None,
            "coupon_code": shown.coupon.code if shown.coupon else None,
            "status": OrderStatus.PENDING,
            "payment_status": OrderPaymentStatus.PENDING,
            **{f"billing_{field}": value for field, value in billing.items()},
            "created_at": now,
            "updated_at": now,
        }
        if await insert_ignore(session, Order, values, ["order_number"]):
            order = await session.scalar(select(Order).where(Order.order_number == number))
            assert order is not None
            return order
    raise Conflict("could not number the order; try again", code="busy")


def _items(order: Order, shown: carts.CartView) -> list[dict[str, object]]:
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
    none = unit_of(order.currency) * 0  # 0.00 in USD, 0 in JPY: as the database gives it back
    items = []
    for (_, line), takes in zip(shown.buyable, applies, strict=True):
        price = line.price or none
        discount = next(shares, none) if takes else none
        items.append(
            {
                "order_id": order.id,
                "course_id": line.course.id,
                "instructor_id": line.course.instructor_id,
                "course_title": line.title,
                "item_type": ItemType.LIVE_CLASS if line.live_class_id else ItemType.COURSE,
                "live_class_id": line.live_class_id,
                "price": price,
                "discount": discount,
                "final_price": price - discount,
            }
        )
    return items


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
