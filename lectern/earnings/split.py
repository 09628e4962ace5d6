"""The revenue split of one sold item, to the cent.

An item brings in ``net``: what the buyer paid for it after the discount, before tax. The
instructors' pool is ``commission_rate`` percent (the owner's profile; 70 by default) of
what their share is reckoned on: the net itself, or, when the platform pays for its own
coupon's discount, the price before that discount (never more than the net: the platform
cannot hand out more than the sale brought in). The platform keeps the rest. The pool is
shared between the owner and the co-instructors by their ``revenue_share`` (percent of the
pool; the owner keeps what the co-instructors' shares leave), by largest remainder, so the
parts and the platform's always add up to the net exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lectern.commerce.money import allocate

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Share:
    instructor_id: int
    rate: Decimal  # percent of the item that is theirs
    amount: Decimal


@dataclass(frozen=True)
class Split:
    shares: list[Share]  # the owner's first
    platform: Decimal

    @property
    def instructors(self) -> Decimal:
        return sum((share.amount for share in self.shares), Decimal(0))


def split_item(
    *,
    net: Decimal,
    reckoned_on: Decimal,
    commission_rate: Decimal,
    owner_id: int,
    co_instructors: list[tuple[int, Decimal]],
    unit: Decimal,
) -> Split:
    """``net`` split between the owner, the co-instructors (id, share of the pool) and the
    platform; ``reckoned_on`` is what the commission is a percentage of."""
    pool = min((reckoned_on * commission_rate / HUNDRED).quantize(unit, ROUND_HALF_UP), net)
    pool = max(pool, net * 0)
    co_total = sum((share for _, share in co_instructors), Decimal(0))
    weights = [HUNDRED - co_total, *(share for _, share in co_instructors)]
    # The weights add up to 100: the co-instructors' shares never pass it (courses.team).
    parts = allocate(pool, weights, unit) if pool > 0 else [pool * 0] * len(weights)
    people = [owner_id, *(instructor for instructor, _ in co_instructors)]
    shares = [
        Share(person, (commission_rate * weight / HUNDRED).quantize(Decimal("0.01")), part)
        for person, weight, part in zip(people, weights, parts, strict=True)
    ]
    return Split(shares, net - pool)
