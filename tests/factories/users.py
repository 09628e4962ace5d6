"""Helpers for the users domain: admins, profiles, refresh tokens, notification preferences."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import NotificationPreference, RefreshToken, User, UserProfile, UserRole
from tests.factories import create_user

_numbers = itertools.count(1)


async def create_admin(session: AsyncSession, **values: Any) -> User:
    values.setdefault("role", UserRole.ADMIN)
    return await create_user(session, **values)


async def create_profile(session: AsyncSession, user: User, **values: Any) -> UserProfile:
    profile = UserProfile(user_id=user.id, **values)
    session.add(profile)
    await session.flush()
    return profile


async def create_preferences(
    session: AsyncSession, user: User, **values: Any
) -> NotificationPreference:
    preferences = NotificationPreference(user_id=user.id, **values)
    session.add(preferences)
    await session.flush()
    return preferences


async def create_refresh_token(session: AsyncSession, user: User, **values: Any) -> RefreshToken:
    n = next(_numbers)
    values.setdefault("token_hash", f"refresh-hash-{n}-{user.id}")
    values.setdefault("family_id", f"family-{n}")
    values.setdefault("expires_at", utcnow() + timedelta(days=30))
    token = RefreshToken(user_id=user.id, **values)
    session.add(token)
    await session.flush()
    return token
