"""Who may do what to which user account: the users domain's rules in one place.

Roles: students and instructors manage their own account, profile and preferences; admins
also list, search and moderate every account. What a public visitor may see of a profile
is decided here too (``PUBLIC_PROFILE_FIELDS``).
"""

from __future__ import annotations

from lectern.errors import Conflict, Forbidden
from lectern.models import User, UserRole
from lectern.security.dependencies import ACTIVE_STATUSES

# The profile fields anyone may read. Everything else is private to the owner and admins:
# first_name and last_name (legal name: the public display name is users.name),
# date_of_birth, gender, timezone, language and learning_goals.
PUBLIC_PROFILE_FIELDS = (
    "avatar",
    "cover_image",
    "headline",
    "bio",
    "country",
    "city",
    "website",
    "twitter",
    "linkedin",
    "facebook",
    "github",
    "youtube",
    "occupation",
    "company",
    "skills",
    "interests",
)
PRIVATE_PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "timezone",
    "language",
    "learning_goals",
)


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == UserRole.ADMIN


def is_publicly_visible(user: User) -> bool:
    """A live account in good standing: deleted, suspended, blocked, inactive ones are hidden."""
    return user.deleted_at is None and user.status in ACTIVE_STATUSES


def can_view_profile(viewer: User | None, target: User) -> bool:
    """The public profile: anyone for a visible account, the owner and admins always."""
    if is_publicly_visible(target):
        return True
    return viewer is not None and (viewer.id == target.id or is_admin(viewer))


def check_not_self(admin: User, target: User, action: str) -> None:
    """An admin cannot suspend, demote or delete their own account (and lock everyone out)."""
    if admin.id == target.id:
        raise Forbidden(f"you cannot {action} your own account", code="own_account")


def check_not_deleted(target: User) -> None:
    """Moderating a deleted account makes no sense: restore it first."""
    if target.deleted_at is not None:
        raise Conflict("this account is deleted; undelete it first", code="user_deleted")
