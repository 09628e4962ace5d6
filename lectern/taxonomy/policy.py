"""Who may see and change the catalog's taxonomy: the rules in one place.

- Anyone (signed in or not) sees the *public* taxonomy: active, not deleted categories whose
  parent is public too, and active tags.
- Only administrators change categories and tags, and only they may ask for the whole
  taxonomy (``?include=all``: inactive and deleted categories, inactive tags).
"""

from __future__ import annotations

import enum

from lectern.errors import Forbidden, Unauthorized
from lectern.models import Category, Tag, User, UserRole


class Include(enum.StrEnum):
    """What a read returns: the public taxonomy, or (administrators only) all of it."""

    ACTIVE = "active"
    ALL = "all"


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == UserRole.ADMIN


def ensure_may_include(user: User | None, include: Include) -> bool:
    """Whether the read covers hidden rows; ``include=all`` needs an administrator."""
    if include is Include.ACTIVE:
        return False
    if user is None:
        raise Unauthorized("include=all needs an administrator's token")
    if not is_admin(user):
        raise Forbidden("include=all needs an administrator", code="admin_only")
    return True


def category_is_public(category: Category, parent: Category | None) -> bool:
    """A category is public when it and its parent (if any) are active and not deleted."""
    own = category.is_active and category.deleted_at is None
    if category.parent_id is None:
        return own
    return own and parent is not None and parent.is_active and parent.deleted_at is None


def tag_is_public(tag: Tag) -> bool:
    return tag.is_active
