"""The floor of bench/endpoints.py: Lectern's SQL for its hot endpoints through a raw
asyncpg pool and the same JSON encoder (pydantic-core, which FastAPI uses to dump a response
model), in a bare ASGI callable: no framework, no ORM, no validation layer.

The statements are the ones Lectern runs (captured with ``LECTERN_DATABASE_ECHO=true``, or
compiled from Lectern's own prebuilt statements), in the same transactions (reads without
one, as Lectern's prebuilt reads), selecting the same columns: ``catalog`` serves the
catalog list and the course page, ``learning`` the heartbeat and the learner's dashboard,
``lesson`` the player's lesson page, ``cart`` a signed-in user's cart.

Serve with ``uvicorn bench.floor:app`` and ``LECTERN_DATABASE_URL`` /
``LECTERN_JWT_KEYS`` set (bench.harness.serve does).
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
import jwt
from pydantic_core import to_json
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from lectern.config import AuthSettings, database_settings
from lectern.kit.prebuilt import Prebuilt
from lectern.security.tokens import AccessClaims, decode_access_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
SendMessage = Callable[[Message], Awaitable[None]]


PER_PAGE = 20


class Problem(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


COURSE_COLUMNS = (
    "courses.id, courses.uuid, courses.instructor_id, courses.category_id, "
    "courses.subcategory_id, courses.title, courses.slug, courses.subtitle, "
    "courses.short_description, courses.description, courses.requirements, "
    "courses.what_you_learn, courses.target_audience, courses.thumbnail, courses.cover_image, "
    "courses.promo_video, courses.promo_video_type, courses.price_type, courses.price, "
    "courses.compare_price, courses.currency, courses.level, courses.language, "
    "courses.captions, courses.duration_minutes, courses.total_lectures, "
    "courses.total_sections, courses.total_resources, courses.is_published, "
    "courses.is_approved, courses.is_featured, courses.is_bestseller, courses.is_trending, "
    "courses.is_new, courses.drip_content, courses.has_certificate, courses.allow_qa, "
    "courses.allow_reviews, courses.allow_discussions, courses.access_type, "
    "courses.access_days, courses.rating, courses.total_reviews, courses.total_enrollments, "
    "courses.total_views, courses.total_wishlist, courses.meta_title, "
    "courses.meta_description, courses.meta_keywords, courses.status, "
    "courses.rejection_reason, courses.submitted_at, courses.approved_at, "
    "courses.published_at, courses.created_at, courses.updated_at, courses.deleted_at"
)


USER_COLUMNS = (
    "users.id, users.uuid, users.name, users.username, users.email, users.password_hash, "
    "users.role, users.status, users.email_verified_at, users.two_factor_secret, "
    "users.two_factor_enabled_at, users.two_factor_recovery_codes, users.language, "
    "users.timezone, users.last_login_at, users.last_login_ip, users.tokens_valid_after, "
    "users.created_at, users.updated_at, users.deleted_at"
)


def claims_of(scope: Scope, auth: AuthSettings) -> AccessClaims:
    """The access token's claims (401 without a valid one), as Lectern checks them."""
    headers = dict(scope["headers"])
    authorization = headers.get(b"authorization", b"").decode()
    if not authorization.lower().startswith("bearer "):
        raise Problem(401, "sign in")
    try:
        return decode_access_token(authorization[7:], auth)
    except jwt.PyJWTError as exc:
        raise Problem(401, "the access token is not valid") from exc
    except Exception as exc:  # Lectern's Unauthorized
        raise Problem(401, "the access token is not valid") from exc


_DIALECT = postgresql.asyncpg.dialect()  # type: ignore[attr-defined]


def args(prebuilt: Prebuilt, **params: Any) -> list[Any]:
    """One of Lectern's prebuilt statements compiled for PostgreSQL, with its parameters'
    values in order: what asyncpg's fetch and execute take."""
    sql, values = prebuilt.bound(_DIALECT, params)
    return [sql, *values]


def hundredths(stored: int | None) -> Decimal | None:
    """Money and scores are stored as integer hundredths (lectern.models.base)."""
    return None if stored is None else Decimal(stored).scaleb(-2)


def query_of(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode()))


def _url() -> str:
    url = make_url(os.environ["LECTERN_DATABASE_URL"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _leave_as_is(_connection: asyncpg.Connection) -> None:
    """A connection going back to the pool: asyncpg's default resets its session state
    (one more round trip a request); SQLAlchemy's pool, Lectern's, only ends an open
    transaction, and every request here has ended its own."""


class Floor:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        keys = json.loads(os.environ.get("LECTERN_JWT_KEYS", "{}"))
        self.auth = AuthSettings(jwt_keys=keys) if keys else AuthSettings()

    async def __call__(self, scope: Scope, receive: Receive, send: SendMessage) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        body = b""
        if scope["method"] == "POST":
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
        try:
            status, payload = await self.route(scope, body)
        except Problem as problem:
            status, payload = problem.status, to_json({"detail": str(problem)})
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def lifespan(self, receive: Receive, send: SendMessage) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def open(
        self, connection_class: type[asyncpg.Connection] = asyncpg.Connection, size: int = 0
    ) -> None:
        """The pool: Lectern's size (LECTERN_DATABASE_POOL_SIZE, plus MAX_OVERFLOW at most),
        its connections opened when first needed, as SQLAlchemy's pool opens them."""
        sizes = database_settings()
        self.pool = await asyncpg.create_pool(
            _url(),
            min_size=0,
            max_size=size or sizes.database_pool_size + sizes.database_max_overflow,
            connection_class=connection_class,
            reset=_leave_as_is,
        )

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def route(self, scope: Scope, body: bytes) -> tuple[int, bytes]:
        parts = scope["path"].strip("/").split("/")
        method = scope["method"]
        if parts == ["health", "live"]:
            return 200, b'{"status":"ok"}'
        if parts[:3] == ["api", "v1", "courses"] and method == "GET":
            if len(parts) == 3:
                given = query_of(scope)
                if "q" in given:
                    return 200, await catalog.search(self._pool(), given["q"])
                return 200, await catalog.catalog(self._pool(), given)
            if len(parts) == 4:
                return 200, await catalog.course_page(self._pool(), parts[3], scope)
        if (
            parts[:3] == ["api", "v1", "learn"]
            and len(parts) == 6
            and parts[4] == "lessons"
            and method == "GET"
        ):
            return 200, await lesson.lesson_page(self._pool(), self.auth, parts[3], parts[5], scope)
        if parts == ["api", "v1", "enrollments"] and method == "GET":
            return 200, await learning.dashboard_page(self._pool(), self.auth, scope)
        if (
            parts[:3] == ["api", "v1", "learn"]
            and len(parts) == 7
            and parts[4] == "lessons"
            and parts[6] == "heartbeat"
            and method == "POST"
        ):
            return 200, await learning.heartbeat(
                self._pool(), self.auth, parts[3], parts[5], scope, body
            )
        if parts == ["api", "v1", "cart"] and method == "GET":
            return 200, await cart.cart(self._pool(), self.auth, scope)
        raise Problem(404, "not found")

    def _pool(self) -> asyncpg.Pool:
        assert self.pool is not None
        return self.pool


# The endpoints, after what they need from here.
from bench.floor import cart, catalog, learning, lesson  # noqa: E402

app = Floor()
