"""Rows of the platform domain: settings and activity-log entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, Setting, SettingGroup, SettingType, User
from lectern.platform import setting_values


async def create_setting(
    session: AsyncSession,
    key: str,
    value: Any,
    type: SettingType = SettingType.STRING,
    **values: Any,
) -> Setting:
    """A setting holding ``value`` (typed; stored as its text form)."""
    values.setdefault("group", SettingGroup.GENERAL)
    setting = Setting(key=key, value=setting_values.encode(value, type), type=type, **values)
    session.add(setting)
    await session.flush()
    return setting


async def create_activity(
    session: AsyncSession, causer: User | None = None, **values: Any
) -> ActivityLog:
    values.setdefault("log_name", "admin")
    values.setdefault("event", "something_happened")
    values.setdefault("description", "Something happened")
    if causer is not None:
        values.setdefault("user_id", causer.id)
        values.setdefault("causer_type", "user")
        values.setdefault("causer_id", causer.id)
    entry = ActivityLog(**values)
    session.add(entry)
    await session.flush()
    return entry
