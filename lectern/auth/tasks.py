"""Background jobs of authentication."""

from __future__ import annotations

from lectern.auth import onetime
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.security.dependencies import ACTIVE_STATUSES
from lectern.users import service as users


@broker.task(task_name="lectern.auth.send_reset_link")
async def send_reset_link(email: str) -> None:
    """E-mail a password-reset link if an account that may sign in has this address; else
    nothing. A job, so that the request answers alike, in the same time, either way."""
    async with unit_of_work() as session:
        # A plain lookup (lower-cased): a malformed address matches nobody.
        user = await users.get_by_email(session, email)
        if user is None or user.deleted_at is not None or user.status not in ACTIVE_STATUSES:
            return
        await onetime.send_password_reset(session, user)
