"""The cart's rules: whose cart it is, what may go in, and what it costs now.

A signed-in user has one cart; a guest's cart is named by an opaque token the guest holds
(Lectern stores its SHA-256 only). A signed-in call that still carries the guest's token
absorbs the guest's cart into the user's, without duplicates, and the token is spent.

A course can be bought when it is published and sold on its own (paid, with a price), is not
the buyer's to teach, and is not already theirs for life: access through an expired limited
enrollment, a refund or a subscription does not count, so such a course can be bought
outright. The cart holds one currency: the first line's.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import BindParameter, Select, and_, bindparam, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.cart import discount, seats
from lectern.commerce.cart.schemas import Unbuyable
from lectern.commerce.coupons import rules
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.currencies import minor_units
from lectern.kit.prebuilt import Prebuilt, loaded
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import LIVE_STATUSES
from lectern.models import (
    Cart,
    CartItem,
    Coupon,
    Course,
    CourseInstructor,
    CoursePriceType,
    CourseStatus,
    Enrollment,
    EnrollmentType,
    ItemType,
    LiveClass,
    User,
)

MAX_ITEMS = 50
REASONS: dict[Unbuyable, str] = {
    "course_unavailable": "this course is not on sale",
    "course_free": "this course is free: enroll in it instead",
    "not_for_sale": "this course is not sold on its own",
    "own_course": "you teach this course",
    "already_owned": "you already have this course for life",
    "currency_mismatch": "a cart holds one currency",
    "class_unavailable": "this live class is not on sale (cancelled, started or over)",
    "class_free": "this live class is free for the course's learners: register instead",
    "not_enrolled": "seats in a live class are for the learners of its course",
    "already_registered": "you have a seat in this live class",
    "class_full": "this live class is full",
}


@dataclass(frozen=True)
class Shopper:
    """Who is shopping: a signed-in user, a guest with the token of their cart, or both
    (a guest who has just signed in)."""

    user: User | None
    token: str | None = None


@dataclass(frozen=True)
class Line:
    """A course, or a seat in one of its live classes, as a buyer sees it: what it costs,
    and whether they may buy it."""

    course: Any  # a row of _LINE's course columns (and the class's, for a seat)
    price: Decimal | None
    reason: Unbuyable | None
    live_class_id: int | None = None

    @property
    def title(self) -> str:
        """What the order's line is called."""
        if self.live_class_id is None:
            return str(self.course.title)
        return f"Live class: {self.course.class_title}"[:255]


@dataclass(frozen=True)
class Item:
    """A cart line's own columns, as the cart shows them (read, never changed through it)."""

    id: int
    item_type: ItemType
    price: Decimal  # what it cost when it went in


@dataclass
class CartView:
    cart: Cart | None
    lines: list[tuple[Item, Line]]
    new_token: str | None = None  # a guest's cart was just made: its token, sent once
    coupon: Coupon | None = None
    discount: Decimal = Decimal(0)
    # Why the applied coupon takes nothing off now: {"code", "detail"}.
    coupon_problem: dict[str, str] | None = None

    @property
    def buyable(self) -> list[tuple[Item, Line]]:
        return [
            (item, line)
            for item, line in self.lines
            if line.reason is None and line.price is not None
        ]

    @property
    def currency(self) -> str | None:
        return self.lines[0][1].course.currency if self.lines else None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.price or Decimal(0) for _, line in self.buyable), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- which cart -------------------------------------------------------------------------------


async def _cart(session: AsyncSession, **key: Any) -> Cart | None:
    return await session.scalar(select(Cart).filter_by(**key))


# A signed-in user's cart, read on every cart call: prebuilt (no transaction for a read).
_USER_CART = Prebuilt(select(Cart.__table__).where(Cart.user_id == bindparam("user_id")))


async def _user_cart(session: AsyncSession, user_id: int) -> Cart | None:
    row = await _USER_CART.first(session, user_id=user_id)
    return None if row is None else loaded(session, Cart, row)


async def _guest_cart(session: AsyncSession, token: str) -> Cart | None:
    return await session.scalar(
        select(Cart).where(Cart.session_id == token_hash(token), Cart.user_id.is_(None))
    )


async def _ensure_cart(session: AsyncSession, **key: Any) -> Cart:
    """The cart with this key (``user_id`` or ``session_id``), made if missing; two first
    additions racing make one cart."""
    now = utcnow()
    await insert_ignore(session, Cart, {**key, "created_at": now, "updated_at": now}, list(key))
    cart = await _cart(session, **key)
    assert cart is not None
    return cart


async def current_cart(session: AsyncSession, shopper: Shopper) -> Cart | None:
    """The shopper's cart, if they have one. A signed-in user's takes in the guest cart whose
    token came along."""
    if shopper.user is None:
        return await _guest_cart(session, shopper.token) if shopper.token else None
    guest = await _guest_cart(session, shopper.token) if shopper.token else None
    if guest is None:
        return await _user_cart(session, shopper.user.id)
    cart = await _ensure_cart(session, user_id=shopper.user.id)
    already = select(CartItem.course_id).where(CartItem.cart_id == cart.id)
    await session.execute(
        update(CartItem)
        .where(CartItem.cart_id == guest.id, CartItem.course_id.not_in(already))
        .values(cart_id=cart.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(CartItem).where(CartItem.cart_id == guest.id))
    await session.execute(delete(Cart).where(Cart.id == guest.id))
    return cart


# -- what a course costs the buyer -------------------------------------------------------------


def _line_statement(user_id: int | BindParameter[Any] | None) -> Select[Any]:
    """A course's sale columns with the buyer's standing (their enrollment, whether they
    co-teach it) in one statement: cart lines and single courses alike."""
    co_teaches = exists().where(
        CourseInstructor.course_id == Course.id, CourseInstructor.instructor_id == user_id
    )
    statement = (
        select(
            Course.id,
            Course.uuid,
            Course.slug,
            Course.title,
            Course.thumbnail,
            Course.status,
            Course.is_approved,
            Course.deleted_at,
            Course.price_type,
            Course.price,
            Course.currency,
            Course.instructor_id,
            Course.category_id,
            Course.subcategory_id,
            User.name.label("instructor_name"),
            co_teaches.label("co_teaches"),
            Enrollment.status.label("enrollment_status"),
            Enrollment.is_active.label("enrollment_active"),
            Enrollment.expires_at.label("enrollment_expires_at"),
            Enrollment.enrollment_type,
            Enrollment.deleted_at.label("enrollment_deleted_at"),
        )
        .join(User, User.id == Course.instructor_id)
        .outerjoin(
            Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == user_id)
        )
    )
    return cast("Select[Any]", statement)


def _holds_for_life(row: Any, now: datetime) -> bool:
    return (
        row.enrollment_status in LIVE_STATUSES
        and bool(row.enrollment_active)
        and row.enrollment_deleted_at is None
        and row.enrollment_expires_at is None
        and row.enrollment_type != EnrollmentType.SUBSCRIPTION
    )


def unbuyable(row: Any, user_id: int | None, now: datetime) -> Unbuyable | None:
    """Why the buyer cannot buy this course now, or None when they can."""
    if row.deleted_at is not None or row.status != CourseStatus.PUBLISHED or not row.is_approved:
        return "course_unavailable"
    if row.price_type == CoursePriceType.FREE:
        return "course_free"
    if row.price_type != CoursePriceType.PAID or row.price is None:
        return "not_for_sale"
    if user_id is not None and (row.instructor_id == user_id or row.co_teaches):
        return "own_course"
    if _holds_for_life(row, now):
        return "already_owned"
    return None


def _line(row: Any, user_id: int | None, now: datetime) -> Line:
    class_id = getattr(row, "live_class_id", None)
    if class_id is not None:
        price = row.class_price
        reason = seats.unbuyable(row, user_id, now)
    else:
        price, reason = row.price, unbuyable(row, user_id, now)
    shown = None if price is None else _in_minor_units(price, row.currency)
    return Line(row, shown, reason, class_id)


def _in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """``amount`` to the currency's minor unit (JPY has none, KWD three)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)))


# -- reading and changing the cart -------------------------------------------------------------


# The cart's lines with their courses' (and classes') sale columns and the buyer's standing:
# read on every cart call, so prebuilt. A guest's user_id is null: no enrollment, no seat.
_ITEM_COLUMNS = (  # as an Item holds them
    CartItem.__table__.c.id,
    CartItem.__table__.c.item_type,
    CartItem.__table__.c.price,
)
_CART_LINES = Prebuilt(
    _line_statement(bindparam("user_id"))
    .add_columns(
        *(column.label(f"item_{column.name}") for column in _ITEM_COLUMNS),
        *seats.columns(bindparam("user_id")),
    )
    .join(CartItem, CartItem.course_id == Course.id)
    .outerjoin(LiveClass, LiveClass.id == CartItem.live_class_id)
    .where(CartItem.cart_id == bindparam("cart_id"))
    .order_by(CartItem.id)
)


async def view(session: AsyncSession, shopper: Shopper, cart: Cart | None) -> CartView:
    """The cart's lines, oldest first, each priced now and checked for this buyer."""
    if cart is None:
        return CartView(None, [])
    user_id = shopper.user.id if shopper.user else None
    rows = await _CART_LINES.rows(session, user_id=user_id, cart_id=cart.id)
    now = utcnow()
    lines = [
        (
            Item(row["item_id"], ItemType(row["item_item_type"]), row["item_price"]),
            _line(SimpleNamespace(**row), user_id, now),
        )
        for row in rows
    ]
    currency = lines[0][1].course.currency if lines else None
    shown = CartView(
        cart,
        [
            (item, line)
            if line.course.currency == currency or line.reason is not None
            else (item, Line(line.course, line.price, "currency_mismatch"))
            for item, line in lines
        ],
    )
    if cart.coupon_id is not None:
        found = await discount.priced(
            session, cart.coupon_id, shopper.user, coupon_lines(shown), shown.currency
        )
        shown.coupon, shown.discount = found.coupon, found.discount
        shown.coupon_problem = found.problem
    return shown


def coupon_lines(shown: CartView) -> list[rules.Line]:
    return [
        rules.Line(
            course_id=line.course.id,
            category_ids=frozenset(
                c for c in (line.course.category_id, line.course.subcategory_id) if c is not None
            ),
            instructor_id=line.course.instructor_id,
            price=line.price or Decimal(0),
        )
        for _, line in shown.buyable
    ]


async def apply_coupon(session: AsyncSession, user: User, code: str) -> CartView:
    """Apply the coupon with ``code`` to the user's cart (one coupon per order: it replaces
    any other); CouponRefused says exactly why it does not apply, and nothing changes."""
    coupon = await session.scalar(
        select(Coupon).where(Coupon.code == code.upper(), Coupon.deleted_at.is_(None))
    )
    if coupon is None:
        raise rules.CouponRefused("no coupon has this code", "coupon_not_found")
    shopper = Shopper(user)
    shown = await view(session, shopper, await current_cart(session, shopper))
    if shown.cart is None or shown.currency is None or not shown.buyable:
        raise rules.CouponRefused("your cart has nothing a coupon could take off", "cart_empty")
    amount = await discount.check(session, coupon, user, coupon_lines(shown), shown.currency)
    shown.cart.coupon_id = coupon.id
    await session.flush()
    shown.coupon, shown.discount, shown.coupon_problem = coupon, amount, None
    return shown


async def remove_coupon(session: AsyncSession, user: User) -> CartView:
    shopper = Shopper(user)
    cart = await current_cart(session, shopper)
    if cart is not None:
        cart.coupon_id = None
        await session.flush()
    return await view(session, shopper, cart)


async def add_item(
    session: AsyncSession,
    shopper: Shopper,
    course_uuid: uuid.UUID | None,
    live_class_uuid: uuid.UUID | None = None,
) -> tuple[CartView, bool]:
    """Put a course, or a seat in a live class, in the shopper's cart; True when it was
    not there yet."""
    user_id = shopper.user.id if shopper.user else None
    if live_class_uuid is not None:
        statement = seats.one(_line_statement(user_id), user_id, live_class_uuid)
        field, missing = "live_class", "live_class_not_found"
    else:
        statement = _line_statement(user_id).where(Course.uuid == course_uuid)
        field, missing = "course", "course_not_found"
    row = (await session.execute(statement)).first()
    if row is None:
        raise InvalidInput(f"no such {field.replace('_', ' ')}", field=field, code=missing)
    line = _line(row, user_id, utcnow())
    if line.reason is not None:
        raise Conflict(REASONS[line.reason], code=line.reason)
    cart, new_token = await _cart_to_fill(session, shopper)
    await _check_fits(session, cart, row.currency)
    added = await insert_ignore(
        session,
        CartItem,
        {
            "cart_id": cart.id,
            "course_id": row.id,
            "price": line.price,
            "item_type": ItemType.LIVE_CLASS if line.live_class_id else ItemType.COURSE,
            "live_class_id": line.live_class_id,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        },
        ["cart_id", "course_id"],
    )
    if not added:
        await _same_line(session, cart, row.id, line.live_class_id)
    shown = await view(session, shopper, cart)
    shown.new_token = new_token
    return shown, added


async def _same_line(
    session: AsyncSession, cart: Cart, course_id: int, live_class_id: int | None
) -> None:
    """A cart holds one line per course: the one there must be this one (409 otherwise)."""
    there = await session.scalar(
        select(CartItem.live_class_id).where(
            CartItem.cart_id == cart.id, CartItem.course_id == course_id
        )
    )
    if there != live_class_id:
        raise Conflict(
            "your cart holds another line of this course (the course or another of its "
            "live classes): check it out or take it out first",
            code="course_in_cart",
        )


async def _cart_to_fill(session: AsyncSession, shopper: Shopper) -> tuple[Cart, str | None]:
    """The shopper's cart, made when they have none (a guest gets a new token)."""
    cart = await current_cart(session, shopper)
    if cart is not None:
        return cart, None
    if shopper.user is not None:
        return await _ensure_cart(session, user_id=shopper.user.id), None
    token = secrets.token_urlsafe(32)
    return await _ensure_cart(session, session_id=token_hash(token)), token


async def _check_fits(session: AsyncSession, cart: Cart, currency: str) -> None:
    count, first = (
        await session.execute(
            select(
                func.count(CartItem.id),
                select(Course.currency)
                .join(CartItem, CartItem.course_id == Course.id)
                .where(CartItem.cart_id == cart.id)
                .order_by(CartItem.id)
                .limit(1)
                .scalar_subquery(),
            ).where(CartItem.cart_id == cart.id)
        )
    ).one()
    if first is not None and first != currency:
        raise Conflict(
            f"this cart is in {first}: a cart holds one currency",
            code="currency_mismatch",
            extra={"cart_currency": first},
        )
    if count >= MAX_ITEMS:
        raise Conflict(f"a cart holds at most {MAX_ITEMS} courses", code="cart_full")


async def remove_item(session: AsyncSession, shopper: Shopper, item_id: int) -> None:
    """Take a line out of the shopper's own cart (404 for any other line)."""
    cart = await current_cart(session, shopper)
    removed = 0
    if cart is not None:
        result = await session.execute(
            delete(CartItem).where(CartItem.id == item_id, CartItem.cart_id == cart.id)
        )
        removed = rowcount(result)
    if removed == 0:
        raise NotFound("no such item in your cart")
