"""What a coupon takes off, and why one does not apply: the pure rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lectern.commerce.coupons import rules
from lectern.kit.types import utcnow
from lectern.models import Coupon, CouponType

NOW = utcnow()


def coupon(**values: object) -> Coupon:
    defaults: dict[str, object] = {
        "code": "SAVE",
        "name": "Save",
        "type": CouponType.PERCENTAGE,
        "discount_value": Decimal(20),
        "min_order_value": Decimal(0),
        "used_count": 0,
        "is_active": True,
        "first_purchase_only": False,
    }
    return Coupon(**{**defaults, **values})


def line(
    course_id: int = 1, price: str = "50.00", instructor_id: int = 7, *categories: int
) -> rules.Line:
    return rules.Line(course_id, frozenset(categories), instructor_id, Decimal(price))


def refused(code: str, check: object) -> None:
    with pytest.raises(rules.CouponRefused) as caught:
        check()  # type: ignore[operator]
    assert caught.value.code == code


def test_a_percentage_is_rounded_half_up_and_capped() -> None:
    assert rules.discount(
        coupon(discount_value=Decimal("12.5")), [line(price="0.20")], "USD"
    ) == Decimal("0.03")
    capped = coupon(discount_value=Decimal(50), max_discount=Decimal(10), currency="USD")
    assert rules.discount(capped, [line(price="100.00")], "USD") == Decimal(10)


def test_fixed_and_free_never_take_more_than_the_lines_they_apply_to() -> None:
    fixed = coupon(type=CouponType.FIXED, discount_value=Decimal(80), currency="USD")
    assert rules.discount(fixed, [line(price="50.00")], "USD") == Decimal("50.00")
    free = coupon(type=CouponType.FREE, discount_value=Decimal(0), applicable_courses=[1])
    assert rules.discount(free, [line(1, "30.00"), line(2, "20.00")], "USD") == Decimal("30.00")


def test_zero_decimal_currencies_round_to_whole_units() -> None:
    assert rules.discount(
        coupon(discount_value=Decimal(15)), [line(price="1499")], "JPY"
    ) == Decimal(225)


def test_a_coupon_applies_to_its_courses_categories_and_instructor_only() -> None:
    lines = [line(1, "10.00", 7, 3), line(2, "20.00", 8, 4), line(3, "40.00", 7, 4)]
    assert rules.discount(coupon(applicable_categories=[4]), lines, "USD") == Decimal("12.00")
    assert rules.discount(coupon(excluded_courses=[3]), lines, "USD") == Decimal("6.00")
    assert rules.discount(coupon(instructor_id=7), lines, "USD") == Decimal("10.00")
    refused(
        "coupon_not_applicable",
        lambda: rules.discount(coupon(applicable_courses=[9]), lines, "USD"),
    )


def test_each_condition_says_why_it_fails() -> None:
    refused("coupon_inactive", lambda: rules.check_usable(coupon(is_active=False), None, NOW))
    later = coupon(starts_at=NOW + timedelta(days=1))
    refused("coupon_not_started", lambda: rules.check_usable(later, None, NOW))
    refused("coupon_expired", lambda: rules.check_usable(coupon(expires_at=NOW), None, NOW))
    refused(
        "coupon_used_up", lambda: rules.check_usable(coupon(usage_limit=3, used_count=3), None, NOW)
    )
    buyer = rules.Buyer(uses=1, has_purchased=True)
    refused(
        "coupon_limit_reached", lambda: rules.check_usable(coupon(per_user_limit=1), buyer, NOW)
    )
    first = coupon(first_purchase_only=True)
    refused("coupon_first_purchase_only", lambda: rules.check_usable(first, buyer, NOW))
    euros = coupon(type=CouponType.FIXED, discount_value=Decimal(5), currency="EUR")
    refused("coupon_currency_mismatch", lambda: rules.discount(euros, [line()], "USD"))
    minimum = coupon(min_order_value=Decimal(100), currency="USD")
    refused("coupon_min_order", lambda: rules.discount(minimum, [line(price="99.99")], "USD"))
    rules.check_usable(
        coupon(usage_limit=3, used_count=2, per_user_limit=2), rules.Buyer(1, False), NOW
    )


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10_000), places=2)


@given(
    st.lists(prices, min_size=1, max_size=6),
    st.sampled_from(list(CouponType)),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2),
    st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_a_discount_is_never_negative_nor_above_the_order_and_is_in_minor_units(
    amounts: list[Decimal], kind: CouponType, value: Decimal, currency: str
) -> None:
    unit = Decimal(1).scaleb(-{"USD": 2, "JPY": 0, "KWD": 3}[currency])
    amounts = [max(amount.quantize(unit), unit) for amount in amounts]  # prices in minor units
    lines = [line(n, str(amount)) for n, amount in enumerate(amounts)]
    offered = coupon(type=kind, discount_value=value, currency=currency)
    taken = rules.discount(offered, lines, currency)
    assert Decimal(0) <= taken <= sum(amounts)
    assert taken == taken.quantize(unit)
