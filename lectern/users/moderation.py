"""What admins do to accounts: list and search them, suspend and restore, change roles,
soft-delete and undelete. Every change writes an ADMIN entry to the activity log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains
from lectern.kit.types import utcnow
from lectern.models import User, UserProfile, UserRole, UserStatus
from lectern.platform.activity import ADMIN, log_activity
from lectern.security.actor import Actor
from lectern.security.sessions import revoke_sessions
from lectern.users import policy

# Sort keys an admin may ask for, and the column each one orders by.
SORT_COLUMNS: dict[str, Any] = {
    "created_at": User.created_at,
    "name": User.name,
    "email": User.email,
    "username": User.username,
    "last_login_at": User.last_login_at,
}
# Suspending an account that is already suspended or blocked is a conflict.
SUSPENDABLE = frozenset({UserStatus.ACTIVE, UserStatus.PENDING, UserStatus.INACTIVE})
RESTORABLE = frozenset({UserStatus.SUSPENDED, UserStatus.BLOCKED, UserStatus.INACTIVE})


@dataclass(frozen=True)
class UserFilters:
    q: str | None = None
    role: UserRole | None = None
    status: UserStatus | None = None
    verified: bool | None = None
    deleted: str = "exclude"  # exclude | include | only
    sort: str = "-created_at"


def _search_statement(filters: UserFilters) -> Select[Any]:
    statement = select(User)
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        pattern = contains(filters.q)
        conditions.append(
            or_(
                User.name.ilike(pattern, escape=LIKE_ESCAPE),
                User.email.ilike(pattern, escape=LIKE_ESCAPE),
                User.username.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    if filters.role is not None:
        conditions.append(User.role == filters.role)
    if filters.status is not None:
        conditions.append(User.status == filters.status)
    if filters.verified is True:
        conditions.append(User.email_verified_at.is_not(None))
    elif filters.verified is False:
        conditions.append(User.email_verified_at.is_(None))
    if filters.deleted == "exclude":
        conditions.append(User.deleted_at.is_(None))
    elif filters.deleted == "only":
        conditions.append(User.deleted_at.is_not(None))
    key = filters.sort.removeprefix("-")
    column = SORT_COLUMNS[key]
    descending = filters.sort.startswith("-")
    order = column.desc() if descending else column.asc()
    if key == "last_login_at":
        order = order.nulls_last()
    tie = User.id.desc() if descending else User.id.asc()
    return statement.where(*conditions).order_by(order, tie)


async def list_users(
    session: AsyncSession, filters: UserFilters, params: PageParams
) -> tuple[list[User], PageMeta]:
    """One page of accounts matching ``filters``: two queries, whatever the table's size."""
    if filters.sort.removeprefix("-") not in SORT_COLUMNS:
        raise ValueError(f"unknown sort {filters.sort!r}")
    return await paginate(session, _search_statement(filters), params)


async def get_user(session: AsyncSession, user_uuid: uuid.UUID) -> User:
    """Any account by uuid, deleted ones included (admins see them)."""
    user = await session.scalar(select(User).where(User.uuid == user_uuid))
    if user is None:
        raise NotFound("no such user")
    return user


async def get_user_with_profile(
    session: AsyncSession, user_uuid: uuid.UUID
) -> tuple[User, UserProfile | None]:
    row = (
        await session.execute(
            select(User, UserProfile)
            .outerjoin(UserProfile, UserProfile.user_id == User.id)
            .where(User.uuid == user_uuid)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("no such user")
    return row[0], row[1]


async def suspend(
    session: AsyncSession,
    actor: Actor,
    user_uuid: uuid.UUID,
    *,
    reason: str,
) -> User:
    admin = actor.user
    user = await get_user(session, user_uuid)
    policy.check_not_self(admin, user, "suspend")
    policy.check_not_deleted(user)
    if user.status not in SUSPENDABLE:
        raise Conflict(f"this account is already {user.status.value}", code="wrong_status")
    previous = user.status
    user.status = UserStatus.SUSPENDED
    await revoke_sessions(session, user)
    log_activity(
        session,
        log_name=ADMIN,
        event="user.suspended",
        description=f"Suspended {user.username}: {reason}",
        causer=admin,
        subject=user,
        properties={"reason": reason, "previous_status": previous.value},
        client=actor.client,
    )
    await session.flush()
    return user


async def restore(session: AsyncSession, actor: Actor, user_uuid: uuid.UUID) -> User:
    """Back to active from suspended, blocked or inactive."""
    admin = actor.user
    user = await get_user(session, user_uuid)
    policy.check_not_deleted(user)
    if user.status not in RESTORABLE:
        raise Conflict(f"this account is {user.status.value}, not suspended", code="wrong_status")
    previous = user.status
    user.status = UserStatus.ACTIVE
    log_activity(
        session,
        log_name=ADMIN,
        event="user.restored",
        description=f"Restored {user.username} to active",
        causer=admin,
        subject=user,
        properties={"previous_status": previous.value},
        client=actor.client,
    )
    await session.flush()
    return user


async def change_role(
    session: AsyncSession,
    actor: Actor,
    user_uuid: uuid.UUID,
    *,
    role: UserRole,
) -> User:
    """Give the account another role. Setting the role it already has changes nothing."""
    admin = actor.user
    user = await get_user(session, user_uuid)
    policy.check_not_self(admin, user, "change the role of")
    policy.check_not_deleted(user)
    if user.role == role:
        return user
    previous = user.role
    user.role = role
    log_activity(
        session,
        log_name=ADMIN,
        event="user.role_changed",
        description=f"Changed the role of {user.username} from {previous.value} to {role.value}",
        causer=admin,
        subject=user,
        properties={"previous_role": previous.value, "role": role.value},
        client=actor.client,
    )
    await session.flush()
    return user


async def soft_delete(session: AsyncSession, actor: Actor, user_uuid: uuid.UUID) -> None:
    """Hide the account (its e-mail and username stay taken) and sign it out everywhere."""
    admin = actor.user
    user = await get_user(session, user_uuid)
    policy.check_not_self(admin, user, "delete")
    if user.deleted_at is not None:
        raise Conflict("this account is already deleted", code="user_deleted")
    user.deleted_at = utcnow()
    await revoke_sessions(session, user)
    log_activity(
        session,
        log_name=ADMIN,
        event="user.deleted",
        description=f"Deleted {user.username}",
        causer=admin,
        subject=user,
        client=actor.client,
    )
    await session.flush()


async def undelete(session: AsyncSession, actor: Actor, user_uuid: uuid.UUID) -> User:
    admin = actor.user
    user = await get_user(session, user_uuid)
    if user.deleted_at is None:
        raise Conflict("this account is not deleted", code="user_not_deleted")
    user.deleted_at = None
    log_activity(
        session,
        log_name=ADMIN,
        event="user.undeleted",
        description=f"Undeleted {user.username}",
        causer=admin,
        subject=user,
        client=actor.client,
    )
    await session.flush()
    return user
