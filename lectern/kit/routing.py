"""The router every domain's routes live on: FastAPI's, with a prefix check first.

FastAPI finds a request's route by trying every route of every included router in turn (a
regular expression and some bookkeeping each): with ~200 routes that walk was a tenth of a
catalog request's time. A path outside a router's prefix cannot match any of its routes,
so :class:`ApiRouter` says so at once and a request only walks the routers it is under.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope

# Every domain router is included under this prefix (lectern.app.api_router).
API_PREFIX = "/api/v1"


class ApiRouter(APIRouter):
    """An APIRouter whose routes are served under API_PREFIX + its own prefix."""

    def __init__(self, *, prefix: str = "", **kwargs: Any) -> None:
        super().__init__(prefix=prefix, **kwargs)
        # The literal start of every path of this router (a prefix may hold parameters).
        self.path_start = API_PREFIX + prefix.split("{", 1)[0]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not _route_path(scope).startswith(self.path_start):
            return Match.NONE, {}
        return super().matches(scope)


def _route_path(scope: Scope) -> str:
    """The path the routes see: without the root path a proxy mounts the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root + "/"):
        return path[len(root) :]
    return path
