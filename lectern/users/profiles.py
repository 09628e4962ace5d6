"""User profiles: the owner's edits, the completeness flag and the public view."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import InvalidInput, NotFound
from lectern.models import User, UserProfile
from lectern.users import policy
from lectern.users.service import ensure_row

# A profile is complete when all of these are filled (``profile_completed``).
COMPLETION_FIELDS = ("first_name", "last_name", "avatar", "headline", "bio", "country")
EDITABLE_FIELDS = frozenset(policy.PUBLIC_PROFILE_FIELDS + policy.PRIVATE_PROFILE_FIELDS)


def missing_fields(profile: UserProfile) -> list[str]:
    return [name for name in COMPLETION_FIELDS if getattr(profile, name) in (None, "", [])]


async def get_profile(session: AsyncSession, user: User) -> UserProfile | None:
    """The user's profile row, or None if they never edited it."""
    return await session.scalar(select(UserProfile).where(UserProfile.user_id == user.id))


async def update_profile(session: AsyncSession, user: User, changes: dict[str, Any]) -> UserProfile:
    """Apply ``changes`` (field → value, None clears) to the user's profile, creating the
    row on the first edit, and recompute ``profile_completed``."""
    refused = sorted(changes.keys() - EDITABLE_FIELDS)
    if refused:
        raise InvalidInput(f"{', '.join(refused)} cannot be edited", field=refused[0])
    profile = await get_profile(session, user)
    if profile is None:
        await ensure_row(session, UserProfile, user)
        profile = await get_profile(session, user)
        assert profile is not None
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.profile_completed = not missing_fields(profile)
    await session.flush()
    return profile


async def get_visible_profile(
    session: AsyncSession, viewer: User | None, user_uuid: uuid.UUID
) -> tuple[User, UserProfile | None]:
    """A user and their profile (None if never edited), if ``viewer`` may see them; else a
    404, whether the account does not exist or is hidden (deleted, suspended, blocked)."""
    row = (
        await session.execute(
            select(User, UserProfile)
            .outerjoin(UserProfile, UserProfile.user_id == User.id)
            .where(User.uuid == user_uuid)
        )
    ).one_or_none()
    if row is None or not policy.can_view_profile(viewer, row[0]):
        raise NotFound("no such user")
    return row[0], row[1]
