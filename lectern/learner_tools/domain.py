"""The learner's tools: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.courses.events import CoursePriceChanged
from lectern.learner_tools import router
from lectern.learner_tools.subscribers import alert_price_drop
from lectern.registry import Domain

domain = Domain(
    "learner_tools",
    routers=[router.router],
    subscribers=[(CoursePriceChanged, alert_price_drop)],
)
