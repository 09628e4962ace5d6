"""Instructor profiles for tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import InstructorProfile, InstructorProfileStatus, User, UserRole
from tests.factories import create_user


async def create_admin(session: AsyncSession, **values: Any) -> User:
    return await create_user(session, role=UserRole.ADMIN, **values)


async def create_profile(
    session: AsyncSession,
    user: User | None = None,
    status: InstructorProfileStatus = InstructorProfileStatus.PENDING,
    **values: Any,
) -> InstructorProfile:
    """A profile in ``status``; an approved one's user is made an instructor (as approval does)."""
    if user is None:
        user = await create_user(session)
    if status == InstructorProfileStatus.APPROVED and user.role == UserRole.STUDENT:
        user.role = UserRole.INSTRUCTOR
    values.setdefault("headline", "Teacher of things")
    values.setdefault("bio", "I teach things.")
    values.setdefault("expertise", ["Things"])
    profile = InstructorProfile(user_id=user.id, status=status, **values)
    session.add(profile)
    await session.flush()
    return profile
