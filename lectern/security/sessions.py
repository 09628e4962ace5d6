"""Ending a user's sessions: every refresh token revoked, every access token issued so far
refused (suspensions, deletions, password changes, "sign out everywhere")."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import RefreshToken, User


async def revoke_sessions(session: AsyncSession, user: User) -> None:
    """Every refresh token of the user stops working, and every access token issued so far."""
    now = utcnow()
    user.tokens_valid_after = now
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
