"""Who may do what in the media library.

- Uploading needs an author: an approved instructor or an admin (403 for anyone else).
- A media item is visible to its uploader and to admins only; to anyone else it does not
  exist (404). Whoever sees an item may also rename, describe, delete and download it.
- Listing is owner-scoped: everyone lists their own items; an admin may list another user's.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.courses.policy import require_author
from lectern.errors import Forbidden
from lectern.models import Media, User, UserRole


async def require_uploader(session: AsyncSession, user: User) -> None:
    """403 unless ``user`` may add files to the library."""
    await require_author(session, user)


def visible_to(user: User) -> ColumnElement[bool]:
    """A WHERE clause: the (not deleted) media items ``user`` may see."""
    alive = Media.deleted_at.is_(None)
    if user.role == UserRole.ADMIN:
        return alive
    return alive & (Media.user_id == user.id)


def check_list_owner(user: User, owner_uuid: uuid.UUID | None) -> None:
    """403 when a non-admin asks for someone else's library."""
    if owner_uuid is None or owner_uuid == user.uuid or user.role == UserRole.ADMIN:
        return
    raise Forbidden("only admins may list another user's media", code="admin_only")


def acts_as_admin(user: User, media: Media) -> bool:
    """Whether changing ``media`` is an admin acting on someone else's file (logged)."""
    return user.role == UserRole.ADMIN and media.user_id != user.id
