"""What the learner tools do when other domains' facts arrive: price alerts.

When a course gets cheaper, the learners who asked on their wishlist hear of it. A drop is
a lower effective price (``courses.pricing.effective_price``: turning a paid course free is
one; a subscription-only course has none, so no alert either way) in the same currency (a
currency change compares nothing) of a public course (published, approved, not deleted).
It publishes ``PriceDropped`` with the users whose wishlist row has ``price_alert`` on and
who have no live enrollment in the course (one statement), only if there is at least one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.courses.events import CoursePriceChanged
from lectern.kit.types import utcnow
from lectern.learner_tools.events import PriceDropped
from lectern.learner_tools.wishlist import live_enrollment
from lectern.models import Course, CourseStatus, Wishlist


async def alert_price_drop(session: AsyncSession, event: CoursePriceChanged) -> None:
    """Publish ``PriceDropped`` if the change is a drop someone asked to hear about (no
    statement unless it is a drop of a public course; then one)."""
    old, new = event.old_price, event.new_price
    if old is None or new is None or old.currency != new.currency or new.amount >= old.amount:
        return
    course = await session.get_one(Course, event.course_id)  # the publisher's, in the session
    public = (
        course.status == CourseStatus.PUBLISHED and course.is_approved and course.deleted_at is None
    )
    if not public:
        return
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
    if user_ids:
        await events.publish(
            session,
            PriceDropped(
                course_id=course.id, old_price=old.amount, new_price=new.amount, user_ids=user_ids
            ),
        )
