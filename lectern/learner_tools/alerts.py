"""Price alerts: when a course gets cheaper, tell the learners who asked on their wishlist.

The *effective price* is what a learner would pay for the course on its own:
- a paid course: ``price`` (``compare_price`` is only the struck-through "was" price shown
  beside it, and the model has no discount price nor discount dates);
- a free course: 0 — turning a paid course free is a drop;
- a subscription-only course: none (it cannot be bought alone), so no alert either way.

A drop is a lower effective price in the same currency (a currency change compares
nothing) of a public course (published, approved, not deleted). It publishes
``PriceDropped`` with the users whose wishlist row has ``price_alert`` on and who have no
live enrollment in the course (one statement), only if there is at least one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.kit.types import utcnow
from lectern.learner_tools.wishlist import live_enrollment
from lectern.learning.events import PriceDropped
from lectern.models import Course, CoursePriceType, CourseStatus, Wishlist


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


def effective_price(course: Course) -> Price | None:
    """What the course costs on its own now (None: it cannot be bought alone)."""
    if course.price_type == CoursePriceType.FREE:
        return Price(Decimal("0.00"), course.currency)
    if course.price_type == CoursePriceType.PAID and course.price is not None:
        return Price(course.price, course.currency)
    return None


async def price_changed(
    session: AsyncSession, course: Course, old: Price | None, new: Price | None
) -> PriceDropped | None:
    """Publish ``PriceDropped`` if ``old`` → ``new`` is a drop someone asked to hear about
    (no statement unless it is a drop of a public course; then one)."""
    if old is None or new is None or old.currency != new.currency or new.amount >= old.amount:
        return None
    public = (
        course.status == CourseStatus.PUBLISHED and course.is_approved and course.deleted_at is None
    )
    if not public:
        return None
    user_ids = tuple(
        await session.scalars(
            select(Wishlist.user_id)
            .where(
                Wishlist.course_id == course.id,
                Wishlist.price_alert.is_(True),
                ~live_enrollment(Wishlist.user_id, utcnow()),
            )
            .order_by(Wishlist.user_id)
        )
    )
    if not user_ids:
        return None
    event = PriceDropped(
        course_id=course.id, old_price=old.amount, new_price=new.amount, user_ids=user_ids
    )
    await events.publish(session, event)
    return event
