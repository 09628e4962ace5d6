"""Who is calling: the current user from the bearer token, role requirements, and the Actor
(user and client) that services take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.db import get_session
from lectern.errors import Forbidden, Unauthorized
from lectern.kit.client import Client
from lectern.kit.prebuilt import Prebuilt, loaded
from lectern.models import User, UserRole, UserStatus
from lectern.security.actor import Actor
from lectern.security.tokens import decode_access_token

# Statuses that may hold a session. Pending (unverified) users may sign in and verify.
ACTIVE_STATUSES = frozenset({UserStatus.ACTIVE, UserStatus.PENDING})
# Every authenticated request runs it: a prebuilt read, outside any transaction until the
# request writes.
_USER_BY_UUID = Prebuilt(
    select(User.__table__).where(User.uuid == bindparam("uuid"), User.deleted_at.is_(None))
)


class SignedInUser(HTTPBearer):
    """The signed-in user, from the request's bearer token (or None for an anonymous
    request, when not ``required``; a bad token is a 401 either way).

    One dependency without dependencies of its own, since nearly every request runs it
    (FastAPI's solving costs the same again for each dependency below it): an HTTPBearer,
    so the OpenAPI document shows the scheme, that reads the token itself and takes the
    request's unit of work as ``SessionDep`` does, opening it with the route."""

    opener = get_session.opener  # type: ignore[attr-defined]  # opened as SessionDep is

    def __init__(self, *, required: bool) -> None:
        super().__init__(
            auto_error=False,
            scheme_name="BearerToken",  # the name the OpenAPI document has always given it
            description="An access token from /api/v1/auth/login.",
        )
        self.required = required

    async def __call__(self, request: Request) -> User | None:  # type: ignore[override]
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if not token or scheme.lower() != "bearer":
            if self.required:
                raise Unauthorized()
            return None
        return await _signed_in(request, await get_session(request), token)


async def _signed_in(request: Request, session: AsyncSession, token: str) -> User:
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


current_user = SignedInUser(required=True)
optional_user = SignedInUser(required=False)


def signed_out_since(user: User, issued_at: float) -> bool:
    """Whether a token issued at ``issued_at`` predates the user's last "sign out everywhere"
    (or password change)."""
    return user.tokens_valid_after is not None and issued_at < user.tokens_valid_after.timestamp()


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
