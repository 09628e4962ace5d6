"""What a course costs on its own: the price a learner would pay to buy it alone."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lectern.models import Course, CoursePriceType


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


def effective_price(course: Course) -> Price | None:
    """The course's price on its own now; None when it cannot be bought alone.

    - a paid course: ``price`` (``compare_price`` is only the struck-through "was" price
      shown beside it);
    - a free course: 0;
    - a subscription-only course: none.
    """
    if course.price_type == CoursePriceType.FREE:
        return Price(Decimal("0.00"), course.currency)
    if course.price_type == CoursePriceType.PAID and course.price is not None:
        return Price(course.price, course.currency)
    return None
