"""Money shared out in proportion, exactly: the parts always add up to the whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lectern.commerce.money import allocate, unit_of

CENT = Decimal("0.01")


def test_the_leftover_cents_go_to_the_largest_remainders() -> None:
    assert allocate(Decimal("10.00"), [Decimal(1)] * 3, CENT) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    # 5.00 over 49.99 and 20.00: 3.5707… and 1.4292… → 3.57 + 1.43
    assert allocate(Decimal("5.00"), [Decimal("49.99"), Decimal("20.00")], CENT) == [
        Decimal("3.57"),
        Decimal("1.43"),
    ]


def test_whole_units_in_a_currency_without_cents() -> None:
    assert allocate(Decimal(100), [Decimal(1)] * 3, unit_of("JPY")) == [
        Decimal(34),
        Decimal(33),
        Decimal(33),
    ]


def test_an_amount_that_is_not_whole_units_is_refused() -> None:
    with pytest.raises(ValueError, match="whole number"):
        allocate(Decimal("0.005"), [Decimal(1)], CENT)


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=12),
    st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_parts_add_up_to_the_whole_and_stay_within_a_unit_of_their_share(
    units: int, weights: list[int], currency: str
) -> None:
    unit = unit_of(currency)
    amount = Decimal(units) * unit
    parts = allocate(amount, [Decimal(w) for w in weights], unit)
    assert sum(parts, Decimal(0)) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part >= 0
        assert abs(part - amount * weight / total) < unit
        assert part == part.quantize(unit)
