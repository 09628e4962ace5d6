"""Accounts and sessions: sign up, sign in (with the second factor), refresh, sign out,
e-mail verification and passwords. Flushes, never commits.

A session is a *family* of refresh tokens: signing in starts one, every refresh spends
the presented token and adds the next one to the family. Presenting a spent token again
means two parties hold it — the family is revoked (theft detection).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.auth import onetime, twofactor
from lectern.auth.schemas import LoginIn, RegisterIn, TokenOut
from lectern.auth.tasks import send_reset_link
from lectern.config import auth_settings
from lectern.db import release
from lectern.errors import Conflict, Forbidden, InvalidInput, LecternError, Unauthorized
from lectern.kit.client import Client
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import RefreshToken, User
from lectern.platform.activity import AUTH, log_activity
from lectern.platform.service import get_value
from lectern.security.actor import Actor
from lectern.security.dependencies import ACTIVE_STATUSES, signed_out_since
from lectern.security.passwords import (
    check_password,
    check_strength,
    hash_now,
    hash_password,
    verify_password,
)
from lectern.security.sessions import revoke_sessions
from lectern.security.tokens import (
    AccessClaims,
    hash_secret,
    issue_access_token,
    issue_challenge_token,
    new_secret,
)
from lectern.users import service as users


def _refused(detail: str, code: str, status: int = 401, **extra: object) -> LecternError:
    """A refusal whose side effects are kept (an activity-log entry, a revoked token family):
    the request's unit of work commits them before answering."""
    headers = {"WWW-Authenticate": 'Bearer realm="lectern"'} if status == 401 else None
    return LecternError(
        detail, status=status, code=code, headers=headers, extra=extra, keep_changes=True
    )


# The platform setting that opens or closes sign-up.
REGISTRATION_ENABLED = "registration.enabled"


# -- signing up ----------------------------------------------------------------------------


async def register(session: AsyncSession, client: Client, data: RegisterIn) -> None:
    """A new account: active, its address unverified until the e-mailed link is followed.

    The answer never tells whether the address already has an account: then nothing is
    created, the owner gets an "account exists" e-mail instead of a verification link,
    and the same password hashing runs so the timing matches too. Usernames are public,
    so a taken username is a plain 409, decided before the address is looked at (else the
    answer to a taken username would tell a known address from an unknown one).
    """
    email = users.normalize_email(data.email)
    check_strength(data.password)
    if not await get_value(session, REGISTRATION_ENABLED, True):
        raise Forbidden("sign-up is closed on this platform", code="registration_closed")
    # Hashed with the database handed back (nothing is written yet); and on every path, so
    # the timing tells nothing either.
    await release(session)
    password_hash = await hash_password(data.password)
    if data.username is not None:
        username = users.normalize_username(data.username)
        if await users.username_taken(session, username):
            raise _username_taken()
    existing = await users.get_by_email(session, email)
    if existing is not None:
        await _tell_owner(session, client, existing)
        return
    try:
        # A savepoint: a concurrent sign-up with the same address or username loses on the
        # unique key (or the check before it), not the whole unit of work.
        async with session.begin_nested():
            user = await users.create_user(
                session,
                name=data.name,
                email=data.email,
                password_hash=password_hash,
                username=data.username,
            )
    except (IntegrityError, users.UserExistsError):
        # A concurrent sign-up won: for the address, answer as for any taken address
        # (nothing created, the winner's link is on its way); for the username, say so.
        if await users.get_by_email(session, email) is not None:
            return
        raise _username_taken() from None
    await onetime.send_verification(session, user)
    log_activity(
        session,
        log_name=AUTH,
        event="registered",
        description=f"{user.username} signed up",
        causer=user,
        client=client,
    )


def _username_taken() -> LecternError:
    return users.UserExistsError("this username is taken")


async def _tell_owner(session: AsyncSession, client: Client, owner: User) -> None:
    await onetime.send_account_exists(session, owner)
    log_activity(
        session,
        log_name=AUTH,
        event="register_existing_email",
        description=f"a sign-up was attempted with the address of {owner.username}",
        causer=owner,
        client=client,
    )


# -- signing in ----------------------------------------------------------------------------


async def login(session: AsyncSession, client: Client, data: LoginIn) -> TokenOut:
    """Tokens for the right identifier and password (and second factor, when it is on).

    Refuses (kept refusals, see _refused) wrong credentials (401 ``invalid_credentials``), a
    disabled account (403 ``account_disabled``), a missing second factor (401
    ``two_factor_required``, with a ``challenge_token`` for /auth/login/2fa) or a wrong one.
    """
    found = await _find_user(session, data.identifier)
    if found is None:
        await release(session)
        await verify_password(_dummy_hash(), data.password)  # the same time as a real check
        _log_failure(session, client, None, "unknown account", identifier=data.identifier)
        raise _invalid_credentials()
    checked = await check_password(session, found, data.password, rehash=True)
    user = checked.user
    if not checked.right:
        _log_failure(session, client, user, "wrong password")
        raise _invalid_credentials()
    if user.status not in ACTIVE_STATUSES:
        _log_failure(session, client, user, f"account {user.status.value}")
        raise _refused(f"this account is {user.status.value}", "account_disabled", status=403)
    if checked.new_hash is not None:
        user.password_hash = checked.new_hash
    if twofactor.is_enabled(user):
        if data.otp is None and data.recovery_code is None:
            challenge, lifetime = issue_challenge_token(user.uuid)
            raise _refused(
                "this account needs its second factor: send otp or recovery_code to "
                "/auth/login/2fa with the challenge_token",
                "two_factor_required",
                challenge_token=challenge,
                expires_in=lifetime,
            )
        await _check_second_factor(
            session, client, user, otp=data.otp, recovery_code=data.recovery_code
        )
    return await _sign_in(session, client, user)


async def login_second_factor(
    session: AsyncSession,
    client: Client,
    challenge: AccessClaims,
    *,
    otp: str | None,
    recovery_code: str | None,
) -> TokenOut:
    """The second step of a sign-in whose password was right (see ``login``)."""
    user = await session.scalar(
        select(User).where(User.uuid == challenge.subject, User.deleted_at.is_(None))
    )
    if (
        user is None
        or user.status not in ACTIVE_STATUSES
        or not twofactor.is_enabled(user)
        or signed_out_since(user, challenge.issued_at)
    ):
        raise Unauthorized("the two-factor challenge is not valid", code="invalid_token")
    await _check_second_factor(session, client, user, otp=otp, recovery_code=recovery_code)
    return await _sign_in(session, client, user)


async def _check_second_factor(
    session: AsyncSession,
    client: Client,
    user: User,
    *,
    otp: str | None,
    recovery_code: str | None,
) -> None:
    if not await twofactor.verify(session, user, otp=otp, recovery_code=recovery_code):
        _log_failure(session, client, user, "wrong second factor")
        raise _refused("the two-factor code is not valid", "invalid_two_factor_code")


async def _sign_in(session: AsyncSession, client: Client, user: User) -> TokenOut:
    user.last_login_at = utcnow()
    user.last_login_ip = client.ip
    log_activity(
        session,
        log_name=AUTH,
        event="login",
        description=f"{user.username} signed in",
        causer=user,
        client=client,
    )
    refresh_token = _add_refresh_token(session, client, user, family_id=uuid.uuid4().hex)
    return _tokens(user, refresh_token)


async def _find_user(session: AsyncSession, identifier: str) -> User | None:
    value = identifier.strip().lower()
    column = User.email if "@" in value else User.username
    return await session.scalar(select(User).where(column == value, User.deleted_at.is_(None)))


def _invalid_credentials() -> LecternError:
    # The same answer for an unknown account and a wrong password.
    return _refused("the identifier or the password is not correct", "invalid_credentials")


def _log_failure(
    session: AsyncSession,
    client: Client,
    user: User | None,
    reason: str,
    *,
    identifier: str | None = None,
) -> None:
    properties: dict[str, object] = {"reason": reason}
    if identifier is not None:
        properties["identifier"] = identifier[:255]
    log_activity(
        session,
        log_name=AUTH,
        event="login_failed",
        description=f"failed sign-in: {reason}",
        causer=user,
        properties=properties,
        client=client,
    )


@lru_cache
def _dummy_hash() -> str:
    return hash_now(new_secret())


# -- sessions -----------------------------------------------------------------------------


async def refresh(session: AsyncSession, client: Client, secret: str) -> TokenOut:
    """Spend a refresh token for a new pair; a spent one presented again revokes its family
    (a kept refusal, 401 ``token_reused``)."""
    row = (
        await session.execute(
            select(RefreshToken, User)
            .join(User, User.id == RefreshToken.user_id)
            .where(RefreshToken.token_hash == hash_secret(secret))
        )
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise Unauthorized("the refresh token is not valid", code="invalid_token")
    token, user = row
    now = utcnow()
    if token.used_at is None and token.expires_at <= now:
        raise Unauthorized("the refresh token has expired", code="token_expired")
    if token.used_at is not None or not await _spend(session, token, now):
        await _revoke_family(session, token.family_id, now)
        log_activity(
            session,
            log_name=AUTH,
            event="refresh_token_reused",
            description=f"a spent refresh token of {user.username} was presented again; "
            "its sessions are revoked",
            causer=user,
            client=client,
        )
        raise _refused(
            "this refresh token was already used; the session is signed out", "token_reused"
        )
    if user.deleted_at is not None or user.status not in ACTIVE_STATUSES:
        raise Unauthorized(f"this account is {user.status.value}", code="account_disabled")
    refresh_token = _add_refresh_token(session, client, user, family_id=token.family_id)
    return _tokens(user, refresh_token)


async def logout(session: AsyncSession, client: Client, secret: str) -> None:
    """Sign out the session (the token's whole family). Unknown tokens are ignored."""
    row = (
        await session.execute(
            select(RefreshToken.family_id, User)
            .join(User, User.id == RefreshToken.user_id)
            .where(RefreshToken.token_hash == hash_secret(secret))
        )
    ).first()
    if row is None:
        return
    family_id, user = row
    if await _revoke_family(session, family_id, utcnow()):
        log_activity(
            session,
            log_name=AUTH,
            event="logout",
            description=f"{user.username} signed out",
            causer=user,
            client=client,
        )


async def logout_everywhere(session: AsyncSession, actor: Actor) -> None:
    user = actor.user
    await revoke_sessions(session, user)
    log_activity(
        session,
        log_name=AUTH,
        event="logout_all",
        description=f"{user.username} signed out everywhere",
        causer=user,
        client=actor.client,
    )


async def _revoke_family(session: AsyncSession, family_id: str, now: datetime) -> bool:
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) > 0


async def _spend(session: AsyncSession, token: RefreshToken, now: datetime) -> bool:
    """Mark the token used, unless another request just did (a conditional update)."""
    result = await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == token.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def _add_refresh_token(session: AsyncSession, client: Client, user: User, *, family_id: str) -> str:
    secret = new_secret()
    session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=hash_secret(secret),
            family_id=family_id,
            expires_at=utcnow() + timedelta(days=auth_settings().refresh_token_days),
            ip_address=client.ip,
            user_agent=client.user_agent,
        )
    )
    return secret


def _tokens(user: User, refresh_token: str) -> TokenOut:
    access_token, lifetime = issue_access_token(user.uuid, user.role.value)
    return TokenOut(access_token=access_token, expires_in=lifetime, refresh_token=refresh_token)


# -- e-mail verification and passwords -------------------------------------------------------


async def verify_email(session: AsyncSession, secret: str) -> User:
    user = await onetime.consume(session, secret, onetime.VERIFY)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


async def resend_verification(session: AsyncSession, user: User) -> None:
    if user.email_verified_at is not None:
        raise Conflict("this e-mail address is already verified", code="already_verified")
    await onetime.send_verification(session, user)


def forgot_password(session: AsyncSession, email: str) -> None:
    """Queue the reset link's job, whoever has the address: the request does the same work
    (and takes the same time) for a known address and an unknown one."""
    jobs.after_commit(session, send_reset_link, email=email.strip())


async def reset_password(session: AsyncSession, client: Client, secret: str, password: str) -> None:
    check_strength(password)
    password_hash = await hash_password(password)  # before the transaction opens
    user = await onetime.consume(session, secret, onetime.RESET)
    # The link reached the address: that verifies it too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    await _set_password(session, client, user, password_hash, event="password_reset")


async def change_password(session: AsyncSession, actor: Actor, current: str, new: str) -> None:
    if new == current:
        raise InvalidInput(
            "the new password must differ from the current one", field="new_password"
        )
    checked = await check_password(session, actor.user, current)
    if not checked.right:
        raise InvalidInput(
            "the current password is not correct", field="current_password", code="wrong_password"
        )
    check_strength(new)
    new_hash = await hash_password(new)
    await _set_password(session, actor.client, checked.user, new_hash, event="password_changed")


async def _set_password(
    session: AsyncSession, client: Client, user: User, password_hash: str, *, event: str
) -> None:
    """The new password, every session signed out, and a notice to the owner."""
    user.password_hash = password_hash
    await revoke_sessions(session, user)
    log_activity(
        session,
        log_name=AUTH,
        event=event,
        description=f"{user.username}'s password was {event.removeprefix('password_')}",
        causer=user,
        client=client,
    )
    await onetime.send_password_changed(session, user)
