"""The revenue split of one item: to the cent, always adding up to what it brought in."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lectern.commerce import tax
from lectern.commerce.money import allocate
from lectern.commerce.refunds.service import item_amounts
from lectern.earnings.split import split_item
from lectern.models import Order, OrderItem

CENT = Decimal("0.01")


def test_the_owner_the_co_instructor_and_the_platform_share_an_item() -> None:
    split = split_item(
        net=Decimal("49.99"),
        reckoned_on=Decimal("49.99"),
        commission_rate=Decimal(70),
        owner_id=1,
        co_instructors=[(2, Decimal(30))],
        unit=CENT,
    )

    # 70 % of 49.99 is 34.993 → 34.99 for the instructors: 24.493 and 10.497 by their shares,
    # the cent left over to the larger remainder.
    assert [(s.instructor_id, s.rate, s.amount) for s in split.shares] == [
        (1, Decimal("49.00"), Decimal("24.49")),
        (2, Decimal("21.00"), Decimal("10.50")),
    ]
    assert split.platform == Decimal("15.00")


def test_a_discount_the_platform_pays_comes_out_of_its_share_alone() -> None:
    split = split_item(
        net=Decimal("24.99"),
        reckoned_on=Decimal("49.99"),  # the price before the platform's coupon
        commission_rate=Decimal(70),
        owner_id=1,
        co_instructors=[],
        unit=CENT,
    )

    # 70 % of 49.99 would be 34.99: more than the sale brought in, so the instructor gets it all.
    assert (split.instructors, split.platform) == (Decimal("24.99"), Decimal("0.00"))


@given(
    net_units=st.integers(min_value=0, max_value=10**8),
    extra_units=st.integers(min_value=0, max_value=10**8),
    rate=st.decimals(min_value=0, max_value=100, places=2),
    co=st.lists(st.decimals(min_value=0, max_value=25, places=2), max_size=4),
    decimals=st.sampled_from([0, 2, 3]),
)
def test_the_parts_always_add_up_to_the_net(
    net_units: int, extra_units: int, rate: Decimal, co: list[Decimal], decimals: int
) -> None:
    unit = Decimal(1).scaleb(-decimals)
    net = Decimal(net_units) * unit
    split = split_item(
        net=net,
        reckoned_on=net + Decimal(extra_units) * unit,
        commission_rate=rate,
        owner_id=1,
        co_instructors=[(index + 2, share) for index, share in enumerate(co)],
        unit=unit,
    )

    assert split.instructors + split.platform == net
    assert all(share.amount >= 0 for share in split.shares)
    assert split.platform >= 0
    assert all(share.amount == share.amount.quantize(unit) for share in split.shares)


@given(
    cents=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=5),
    percent_off=st.integers(min_value=0, max_value=100),
    rate=st.decimals(min_value=0, max_value=30, places=3),
    inclusive=st.booleans(),
    commission=st.decimals(min_value=0, max_value=100, places=2),
    co=st.lists(st.decimals(min_value=0, max_value=30, places=2), max_size=3),
)
def test_an_order_splits_to_the_cent_from_prices_to_earnings_and_refunds(
    cents: list[int],
    percent_off: int,
    rate: Decimal,
    inclusive: bool,
    commission: Decimal,
    co: list[Decimal],
) -> None:
    """Prices, a discount spread over them, tax, each item's worth before tax, its split, and
    what refunding it gives back: every sum comes out exact, in whole cents."""
    prices = [Decimal(c) * CENT for c in cents]
    subtotal = sum(prices, Decimal(0))
    discount = (subtotal * percent_off / 100).quantize(CENT)
    discounts = allocate(discount, prices, CENT) if discount else [Decimal(0)] * len(prices)
    finals = [price - off for price, off in zip(prices, discounts, strict=True)]
    taxed = tax.apply(tax.TaxRule(rate, inclusive), subtotal - discount, "USD")
    nets = tax.item_nets(taxed.total, taxed.tax, finals, "USD")
    order = Order(total=taxed.total, currency="USD")
    items = [OrderItem(id=n, final_price=final) for n, final in enumerate(finals)]
    paid_back = item_amounts(order, items)

    assert sum(finals, Decimal(0)) == subtotal - discount
    assert sum(nets, Decimal(0)) == taxed.total - taxed.tax
    assert sum(paid_back.values(), Decimal(0)) == taxed.total
    for net, final in zip(nets, finals, strict=True):
        assert Decimal(0) <= net <= final
        split = split_item(
            net=net,
            reckoned_on=net,
            commission_rate=commission,
            owner_id=1,
            co_instructors=[(n + 2, share) for n, share in enumerate(co)],
            unit=CENT,
        )
        assert split.instructors + split.platform == net
        assert all(part == part.quantize(CENT) for part in (split.platform, split.instructors))
