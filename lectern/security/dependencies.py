"""Who is calling: the current user from the bearer token, role requirements, and the Actor
(user and client) that services take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from sqlalchemy import bindparam, select
from starlette.requests import HTTPConnection

from lectern.db import SessionDep
from lectern.errors import Forbidden, Unauthorized
from lectern.kit.client import Client
from lectern.kit.prebuilt import Prebuilt, loaded
from lectern.models import User, UserRole, UserStatus
from lectern.security.actor import Actor
from lectern.security.tokens import decode_access_token


class BearerToken(HTTPBearer):
    """The bearer token of the request, or None (another scheme, or none): FastAPI's
    HTTPBearer for the OpenAPI document, without building a credentials model on every
    request."""

    async def __call__(self, request: HTTPConnection) -> str | None:  # type: ignore[override]
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if not token or scheme.lower() != "bearer":
            return None
        return token


bearer = BearerToken(auto_error=False, description="An access token from /api/v1/auth/login.")
BearerDep = Annotated[str | None, Depends(bearer)]

# Statuses that may hold a session. Pending (unverified) users may sign in and verify.
ACTIVE_STATUSES = frozenset({UserStatus.ACTIVE, UserStatus.PENDING})
# Every authenticated request runs it: a prebuilt read, outside any transaction until the
# request writes.
_USER_BY_UUID = Prebuilt(
    select(User.__table__).where(User.uuid == bindparam("uuid"), User.deleted_at.is_(None))
)


async def optional_user(request: Request, session: SessionDep, token: BearerDep) -> User | None:
    """The signed-in user, or None for an anonymous request; a bad token is still a 401."""
    if token is None:
        return None
    claims = decode_access_token(token)
    row = await _USER_BY_UUID.first(session, uuid=claims.subject)
    if row is None:
        raise Unauthorized("the access token is not valid", code="invalid_token")
    user = loaded(session, User, row)
    if user.status not in ACTIVE_STATUSES:
        raise Unauthorized(f"this account is {user.status.value}", code="account_disabled")
    if signed_out_since(user, claims.issued_at):
        raise Unauthorized("this session has been signed out", code="session_revoked")
    request.state.user = user
    # A stream that outlives the request ends when its token does (the live channel).
    request.state.token_expires_at = claims.expires_at
    return user


def signed_out_since(user: User, issued_at: float) -> bool:
    """Whether a token issued at ``issued_at`` predates the user's last "sign out everywhere"
    (or password change)."""
    return user.tokens_valid_after is not None and issued_at < user.tokens_valid_after.timestamp()


async def current_user(request: Request, session: SessionDep, token: BearerDep) -> User:
    """The signed-in user; 401 for an anonymous request (optional_user's checks, in one
    dependency rather than two: this runs on nearly every request)."""
    user = await optional_user(request, session, token)
    if user is None:
        raise Unauthorized()
    return user


async def current_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role != UserRole.ADMIN:
        raise Forbidden("this needs an administrator", code="admin_only")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentAdmin = Annotated[User, Depends(current_admin)]


async def request_client(request: Request) -> Client:
    return Client.of(request)


RequestClient = Annotated[Client, Depends(request_client)]


async def current_actor(user: CurrentUser, client: RequestClient) -> Actor:
    return Actor(user, client)


async def admin_actor(admin: CurrentAdmin, client: RequestClient) -> Actor:
    return Actor(admin, client)


CurrentActor = Annotated[Actor, Depends(current_actor)]
AdminActor = Annotated[Actor, Depends(admin_actor)]
