"""Notification preferences: one row per user, created with the defaults at registration."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from lectern.errors import InvalidInput
from lectern.models import EmailCadence, NotificationPreference, User
from lectern.users.service import ensure_row

# The switches a user may flip (every boolean column of the table), with their defaults.
DEFAULTS: dict[str, bool] = {
    column.key: bool(column.default.arg)
    for column in inspect(NotificationPreference).columns
    if isinstance(column.type, Boolean) and isinstance(column.default, ScalarElementColumnDefault)
}
# The other choices: the e-mail cadence, the quiet hours (minutes after midnight).
CHOICES = {"email_cadence", "quiet_hours_start", "quiet_hours_end"}


async def get_preferences(session: AsyncSession, user: User) -> NotificationPreference:
    """The user's preferences. An account made without them (before they existed, or by an
    import) reads the defaults; nothing is written until the user changes one."""
    preferences = await _find(session, user)
    if preferences is None:
        return NotificationPreference(
            user_id=user.id, **DEFAULTS, email_cadence=EmailCadence.INSTANT
        )
    return preferences


async def update_preferences(
    session: AsyncSession, user: User, changes: dict[str, Any]
) -> NotificationPreference:
    """Set the given choices; the row is created (with the defaults) if it is missing."""
    refused = sorted(changes.keys() - DEFAULTS.keys() - CHOICES)
    if refused:
        raise InvalidInput(f"unknown preference {refused[0]}", field=refused[0])
    if not all(isinstance(changes[name], bool) for name in changes.keys() & DEFAULTS.keys()):
        raise InvalidInput("switches are true or false")
    preferences = await _find(session, user)
    if preferences is None:
        await ensure_row(session, NotificationPreference, user)
        preferences = await _find(session, user)
        assert preferences is not None
    for name, value in changes.items():
        setattr(preferences, name, value)
    if (preferences.quiet_hours_start is None) != (preferences.quiet_hours_end is None):
        raise InvalidInput(
            "quiet hours have a start and an end (both null: none)", field="quiet_hours_end"
        )
    await session.flush()
    return preferences


async def _find(session: AsyncSession, user: User) -> NotificationPreference | None:
    return await session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
