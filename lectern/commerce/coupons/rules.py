"""What a coupon takes off an order, or exactly why it does not apply (pure rules: the
service gathers the facts, these decide).

A coupon reduces the lines it applies to (its courses, its categories, not its excluded
courses; an instructor's coupon only that instructor's courses): a percentage of their sum
(capped by `max_discount`), a fixed amount (at most their sum) or all of it (free). The
minimum order is the whole order's sum. Amounts are rounded half up to the currency's minor
unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from lectern.errors import InvalidInput
from lectern.kit.currencies import minor_units
from lectern.models import Coupon, CouponType


@dataclass(frozen=True)
class Line:
    """An order line as a coupon sees it."""

    course_id: int
    category_ids: frozenset[int]  # the course's category and subcategory
    instructor_id: int
    price: Decimal


@dataclass(frozen=True)
class Buyer:
    """What the per-buyer limits need to know."""

    uses: int  # the buyer's uses of this coupon so far
    has_purchased: bool  # any paid order before
    # Of those uses, the ones the buyer's own unpaid orders hold: their next checkout closes
    # those orders and gives the uses back, so they do not count against it.
    waiting: int = 0


class CouponRefused(InvalidInput):
    """The coupon exists but does not apply to this order (422, the code says why)."""

    def __init__(self, detail: str, code: str, **extra: object) -> None:
        super().__init__(detail, field="code", code=code, extra=dict(extra))


def applies_to(coupon: Coupon, line: Line) -> bool:
    if coupon.instructor_id is not None and line.instructor_id != coupon.instructor_id:
        return False
    if coupon.excluded_courses and line.course_id in coupon.excluded_courses:
        return False
    if coupon.applicable_courses and line.course_id not in coupon.applicable_courses:
        return False
    return not (
        coupon.applicable_categories
        and not line.category_ids.intersection(coupon.applicable_categories)
    )


def check_usable(coupon: Coupon, buyer: Buyer | None, now: datetime) -> None:
    """The coupon's own conditions: switched on, within its dates, uses left for all and for
    this buyer (checked again, atomically, when an order reserves a use)."""
    if not coupon.is_active or coupon.deleted_at is not None:
        raise CouponRefused("this coupon is switched off", "coupon_inactive")
    if coupon.starts_at is not None and now < coupon.starts_at:
        raise CouponRefused(
            "this coupon is not valid yet",
            "coupon_not_started",
            starts_at=coupon.starts_at.isoformat(),
        )
    if coupon.expires_at is not None and now >= coupon.expires_at:
        raise CouponRefused("this coupon has expired", "coupon_expired")
    waiting = buyer.waiting if buyer is not None else 0
    if coupon.usage_limit is not None and coupon.used_count - waiting >= coupon.usage_limit:
        raise CouponRefused("this coupon has been used up", "coupon_used_up")
    if buyer is None:
        return
    used = buyer.uses - buyer.waiting
    if coupon.per_user_limit is not None and used >= coupon.per_user_limit:
        raise CouponRefused(
            f"you have used this coupon {used} times, as often as it allows",
            "coupon_limit_reached",
        )
    if coupon.first_purchase_only and buyer.has_purchased:
        raise CouponRefused(
            "this coupon is for a first purchase only", "coupon_first_purchase_only"
        )


def discount(coupon: Coupon, lines: list[Line], currency: str) -> Decimal:
    """What ``coupon`` takes off an order of ``lines`` in ``currency`` (after check_usable)."""
    if coupon.currency is not None and coupon.currency != currency:
        raise CouponRefused(
            f"this coupon is for orders in {coupon.currency}",
            "coupon_currency_mismatch",
            coupon_currency=coupon.currency,
        )
    eligible = sum((line.price for line in lines if applies_to(coupon, line)), Decimal(0))
    if not any(applies_to(coupon, line) for line in lines):
        raise CouponRefused(
            "this coupon does not apply to any course in your cart", "coupon_not_applicable"
        )
    total = sum((line.price for line in lines), Decimal(0))
    if total < coupon.min_order_value:
        raise CouponRefused(
            f"this coupon needs an order of at least {coupon.min_order_value} {currency}",
            "coupon_min_order",
            min_order_value=str(coupon.min_order_value),
        )
    if coupon.type == CouponType.FREE:
        amount = eligible
    elif coupon.type == CouponType.FIXED:
        amount = min(coupon.discount_value, eligible)
    else:
        amount = eligible * coupon.discount_value / 100
        if coupon.max_discount is not None:
            amount = min(amount, coupon.max_discount)
    unit = Decimal(1).scaleb(-minor_units(currency))
    return min(amount.quantize(unit, ROUND_HALF_UP), eligible)
