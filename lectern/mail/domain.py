"""E-mail: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.mail import router, tasks
from lectern.registry import Domain

domain = Domain("mail", routers=[router.router, router.admin_router], tasks=[tasks.send_email])
