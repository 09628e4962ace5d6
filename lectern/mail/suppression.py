"""The addresses mail is no longer sent to, from the mail provider's word.

A hard bounce (the address does not exist) stops every message to it; a complaint (its
owner marked our mail as spam) stops all but transactional mail (receipts, account and
security messages: they are what the owner asked for). Soft bounces change nothing. The
mail job asks before it sends (``blocks``); an admin can lift a suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.models import EmailSuppression, EmailSuppressionReason

# Messages a complaint does not stop.
TRANSACTIONAL = frozenset(
    {
        "receipt",
        "refund_processed",
        "refund_rejected",
        "reset_password",
        "verify_email",
        "password_changed",
        "account_exists",
        "support_reply",
    }
)


@dataclass(frozen=True)
class MailEvent:
    """What a provider says of an address: a permanent bounce or a complaint."""

    email: str
    reason: EmailSuppressionReason
    detail: str | None = None


def normal(email: str) -> str:
    return email.strip().lower()


async def suppress(session: AsyncSession, event: MailEvent, source: str) -> bool:
    """Keep ``event``'s address from mail (once); True when it was not already."""
    values = {
        "email": normal(event.email),
        "reason": event.reason,
        "source": source,
        "detail": (event.detail or "")[:2000] or None,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    return await insert_ignore(session, EmailSuppression, values, ["email"])


async def blocks(session: AsyncSession, email: str, template: str) -> bool:
    """Whether ``template`` may not go to ``email``."""
    reason = await session.scalar(
        select(EmailSuppression.reason).where(EmailSuppression.email == normal(email))
    )
    if reason is None:
        return False
    return reason is EmailSuppressionReason.BOUNCE or template not in TRANSACTIONAL


async def lift(session: AsyncSession, email: str) -> bool:
    gone = await session.execute(
        delete(EmailSuppression).where(EmailSuppression.email == normal(email))
    )
    return bool(getattr(gone, "rowcount", 0))
