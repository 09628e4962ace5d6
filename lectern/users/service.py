"""Reads and writes of user accounts. Flushes, never commits: the caller owns the unit of work."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, TypeAlias

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.errors import LecternError
from lectern.kit.sql import dialect_insert
from lectern.kit.types import utcnow
from lectern.models import NotificationPreference, User, UserProfile, UserRole, UserStatus
from lectern.security.passwords import check_strength, hash_password
from lectern.users.events import NameChanged

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,49}$")
# What a user may change on their own account (never role, status or e-mail).
ACCOUNT_FIELDS = frozenset({"name", "language", "timezone"})
OwnedRow: TypeAlias = type[UserProfile] | type[NotificationPreference]


class InvalidUserError(LecternError):
    status = 422
    code = "invalid_user"


class UserExistsError(LecternError):
    status = 409
    code = "user_exists"


def normalize_email(email: str) -> str:
    """A deliverable-looking address, lower-cased so uniqueness ignores case."""
    try:
        valid = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidUserError(f"invalid e-mail address {email!r}: {exc}") from None
    return valid.normalized.lower()


def normalize_username(username: str) -> str:
    value = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(value):
        raise InvalidUserError(
            "a username has 3 to 50 characters: letters, digits, '_', '.', '-', "
            "starting with a letter or digit"
        )
    return value


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def username_taken(session: AsyncSession, username: str) -> bool:
    return await session.scalar(select(User.id).where(User.username == username)) is not None


async def free_username(session: AsyncSession, wanted: str) -> str:
    """``wanted`` if nobody has it, else ``wanted`` with the first free number appended."""
    base = re.sub(r"[^a-z0-9_.-]", "", wanted.lower())[:40] or "user"
    if len(base) < 3:
        base = f"{base}_user"
    taken = set(
        await session.scalars(
            select(User.username).where(func.lower(User.username).like(f"{base}%"))
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


async def create_user(
    session: AsyncSession,
    *,
    name: str,
    email: str,
    password: str | None = None,
    password_hash: str | None = None,
    username: str | None = None,
    role: UserRole = UserRole.STUDENT,
    status: UserStatus = UserStatus.ACTIVE,
    email_verified_at: datetime | None = None,
) -> User:
    """Validate and add a user; the e-mail and username must be free. Give the ``password``
    (checked and hashed here), or its ``password_hash`` when the caller has checked and
    hashed it already (a sign-up hashes before its transaction opens)."""
    if password is not None:
        check_strength(password)
        password_hash = await hash_password(password)
    if password_hash is None:
        raise ValueError("create_user needs a password or its hash")
    email = normalize_email(email)
    if not name.strip():
        raise InvalidUserError("the name must not be empty")
    if await get_by_email(session, email) is not None:
        raise UserExistsError(f"a user with the e-mail {email} already exists")
    if username is None:
        username = await free_username(session, email.split("@")[0])
    else:
        username = normalize_username(username)
        if await username_taken(session, username):
            raise UserExistsError(f"the username {username} is taken")
    user = User(
        name=name.strip(),
        email=email,
        username=username,
        password_hash=password_hash,
        role=role,
        status=status,
        email_verified_at=email_verified_at,
    )
    session.add(user)
    await session.flush()
    # Every account starts with the default notification preferences (all on but promotions).
    session.add(NotificationPreference(user_id=user.id))
    await session.flush()
    return user


async def ensure_row(session: AsyncSession, model: OwnedRow, user: User) -> None:
    """Insert ``model``'s one-per-user row for ``user`` with its defaults, unless it exists.

    ``INSERT … ON CONFLICT DO NOTHING`` on the unique ``user_id``: two first edits racing
    each other both succeed instead of one failing on the unique key.
    """
    statement = dialect_insert(model, session.get_bind().dialect.name).values(user_id=user.id)
    await session.execute(statement.on_conflict_do_nothing(index_elements=["user_id"]))


async def update_account(session: AsyncSession, user: User, changes: dict[str, Any]) -> User:
    """Change the account basics a user may edit themself (name, language, timezone)."""
    refused = sorted(changes.keys() - ACCOUNT_FIELDS)
    if refused:
        raise InvalidUserError(f"{', '.join(refused)} cannot be changed here")
    old_name = user.name
    for field, value in changes.items():
        setattr(user, field, value)
    await session.flush()
    if user.name != old_name:
        await events.publish(session, NameChanged(user.id, old_name, user.name))
    return user


async def create_admin(
    session: AsyncSession, *, email: str, password: str, name: str, username: str | None
) -> User:
    """An administrator: active, the address verified (``lectern users create-admin``)."""
    return await create_user(
        session,
        name=name,
        email=email,
        password=password,
        username=username,
        role=UserRole.ADMIN,
        status=UserStatus.ACTIVE,
        email_verified_at=utcnow(),
    )
