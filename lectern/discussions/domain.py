"""Discussions: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.discussions import router, tasks
from lectern.registry import Domain

domain = Domain("discussions", routers=[router.router], tasks=[tasks.notify_followers])
