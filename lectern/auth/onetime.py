"""Single-use, expiring links sent by e-mail (address verification, password reset).

The link carries an opaque secret; the database keeps only its hash, the address it was
sent to, and when it expires. Issuing a new link revokes the user's earlier unused ones of
the same purpose. The e-mails are queued with ``jobs.after_commit``: nothing is sent when
the request fails.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.config import auth_settings
from lectern.errors import InvalidInput
from lectern.kit.links import Page, app_link
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.mail.tasks import send_email
from lectern.models import OneTimeToken, OneTimeTokenPurpose, User
from lectern.security.tokens import hash_secret, new_secret

VERIFY = OneTimeTokenPurpose.EMAIL_VERIFICATION
RESET = OneTimeTokenPurpose.PASSWORD_RESET


class InvalidLinkError(InvalidInput):
    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("this link is not valid, was already used or has expired", field="token")


async def issue(
    session: AsyncSession, user: User, purpose: OneTimeTokenPurpose, lifetime: timedelta
) -> str:
    """A new secret for ``purpose``; the user's earlier unused ones stop working."""
    await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.is_revoked.is_(False),
        )
        .values(is_revoked=True)
        .execution_options(synchronize_session=False)
    )
    secret = new_secret()
    session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_secret(secret),
            expires_at=utcnow() + lifetime,
            # The address the link went to: it proves nothing once the address changes.
            data={"email": user.email},
        )
    )
    await session.flush()
    return secret


async def consume(session: AsyncSession, secret: str, purpose: OneTimeTokenPurpose) -> User:
    """The user a valid ``secret`` was issued to, marking it used; else a 422 on ``token``."""
    row = (
        await session.execute(
            select(OneTimeToken, User)
            .join(User, User.id == OneTimeToken.user_id)
            .where(OneTimeToken.token_hash == hash_secret(secret), OneTimeToken.purpose == purpose)
        )
    ).first()
    if row is None:
        raise InvalidLinkError()
    token, user = row
    now = utcnow()
    if (
        token.used_at is not None
        or token.is_revoked
        or token.expires_at <= now
        or user.deleted_at is not None
        or (token.data or {}).get("email") != user.email
    ):
        raise InvalidLinkError()
    # A conditional update: of two requests racing with the same link, one wins.
    claimed = await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.id == token.id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.is_revoked.is_(False),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        raise InvalidLinkError()
    return user


# -- the e-mails -------------------------------------------------------------------------


def _link(page: Page, secret: str) -> str:
    return app_link(page, {"token": secret})


def _send(session: AsyncSession, user: User, template: str, **context: Any) -> None:
    jobs.after_commit(
        session,
        send_email,
        to=user.email,
        template=template,
        context={"name": user.name, **context},
    )


async def send_verification(session: AsyncSession, user: User) -> None:
    hours = auth_settings().verification_token_hours
    secret = await issue(session, user, VERIFY, timedelta(hours=hours))
    _send(session, user, "verify_email", link=_link("verify_email", secret), hours=hours)


async def send_account_exists(session: AsyncSession, user: User) -> None:
    """Someone signed up with an address that has an account: tell its owner, with a way in."""
    minutes = auth_settings().reset_token_minutes
    secret = await issue(session, user, RESET, timedelta(minutes=minutes))
    _send(session, user, "account_exists", link=_link("reset_password", secret), minutes=minutes)


async def send_password_reset(session: AsyncSession, user: User) -> None:
    minutes = auth_settings().reset_token_minutes
    secret = await issue(session, user, RESET, timedelta(minutes=minutes))
    _send(session, user, "reset_password", link=_link("reset_password", secret), minutes=minutes)


async def send_password_changed(session: AsyncSession, user: User) -> None:
    """The notice after a change or reset. Its "reset your password now" link carries a
    fresh reset token, so the owner can take the account back in one step if it was not
    them (it goes to the same address a reset link would)."""
    minutes = auth_settings().reset_token_minutes
    secret = await issue(session, user, RESET, timedelta(minutes=minutes))
    _send(session, user, "password_changed", link=_link("reset_password", secret))
