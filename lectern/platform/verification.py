"""What an account may do before its e-mail address is confirmed.

The setting ``auth.verified_email_required_for`` lists the powers that wait for a confirmed
address (by default teaching; enrolling too on a platform that wants it). Admins are never
held back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Forbidden
from lectern.models import User, UserRole
from lectern.platform.service import KNOWN, Power, get_value

REQUIRED_FOR = "auth.verified_email_required_for"

_WHAT = {"enroll": "enroll in courses", "teach": "teach"}


async def require_verified(session: AsyncSession, user: User, power: Power) -> None:
    """403 ``email_unverified`` when ``user`` has not confirmed their address and the
    platform wants that for ``power``."""
    if user.email_verified_at is not None or user.role == UserRole.ADMIN:
        return
    default = KNOWN[REQUIRED_FOR].value
    required = await get_value(session, REQUIRED_FOR, default)
    if power in (required if isinstance(required, list) else default):
        raise Forbidden(
            f"confirm your e-mail address to {_WHAT[power]}: follow the link we sent you, "
            "or ask for a new one",
            code="email_unverified",
        )
