"""The facts the courses domain publishes (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.courses.pricing import Price
from lectern.events import Event


@dataclass(frozen=True)
class CoursePriceChanged(Event):
    """A studio edit changed what the course costs on its own (``effective_price``; None:
    it cannot be bought alone). Published after the edit is flushed."""

    course_id: int
    old_price: Price | None
    new_price: Price | None
