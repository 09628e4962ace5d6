"""Reviews: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.commerce.events import OrderRefunded
from lectern.learning.events import LessonCompleted
from lectern.registry import Domain
from lectern.reviews import router
from lectern.reviews.moderation import hide_refunded, invite_to_review

domain = Domain(
    "reviews",
    routers=[router.router, router.admin_router],
    subscribers=[(OrderRefunded, hide_refunded), (LessonCompleted, invite_to_review)],
)
