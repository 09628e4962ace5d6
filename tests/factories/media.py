"""Media-library rows and the people who upload them."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import InstructorProfileStatus, Media, MediaType, User
from tests.factories import create_user
from tests.factories.instructors import create_profile

_numbers = itertools.count(1)


async def create_author(session: AsyncSession, **values: Any) -> User:
    """An approved instructor: may upload to the media library."""
    user = await create_user(session, **values)
    await create_profile(session, user, status=InstructorProfileStatus.APPROVED)
    return user


async def create_media(session: AsyncSession, owner: User | None, **values: Any) -> Media:
    """A library row; its ``file_path`` points at nothing unless the test stores a file."""
    n = next(_numbers)
    values.setdefault("name", f"Picture {n}")
    values.setdefault("file_name", f"picture-{n}.png")
    values.setdefault("file_path", f"media/00/missing-{n}.png")
    values.setdefault("mime_type", "image/png")
    values.setdefault("size", 100)
    values.setdefault("type", MediaType.IMAGE)
    media = Media(user_id=owner.id if owner is not None else None, **values)
    session.add(media)
    await session.flush()
    return media
