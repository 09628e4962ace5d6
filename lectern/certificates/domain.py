"""Certificates: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.certificates import pages, router, tasks, templates_router
from lectern.certificates.credentials import router as credentials
from lectern.certificates.reissue import reissue_for_new_name
from lectern.certificates.service import issue_on_completion
from lectern.certificates.staff import revoke_refunded
from lectern.commerce.events import OrderRefunded
from lectern.learning.events import CourseCompleted
from lectern.registry import Domain
from lectern.users.events import NameChanged

domain = Domain(
    "certificates",
    routers=[
        router.router,
        credentials.router,
        router.studio_router,
        router.admin_router,
        templates_router.router,
    ],
    pages=[pages.router],
    tasks=[tasks.render_certificate],
    subscribers=[
        (CourseCompleted, issue_on_completion),
        (OrderRefunded, revoke_refunded),
        (NameChanged, reissue_for_new_name),
    ],
)
