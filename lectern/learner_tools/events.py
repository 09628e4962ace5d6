"""The facts the learner tools publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lectern.events import Event


@dataclass(frozen=True)
class PriceDropped(Event):
    """A course's price went down; ``user_ids`` asked for a price alert on their wishlist."""

    course_id: int
    old_price: Decimal
    new_price: Decimal
    user_ids: tuple[int, ...]
