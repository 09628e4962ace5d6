"""Admins suspend, restore, re-role, delete and undelete accounts; each change is logged."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import ActivityLog, User, UserRole, UserStatus
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.users import create_admin, create_refresh_token

URL = "/api/v1/users"


async def _log(db: AsyncSession, user: User) -> list[ActivityLog]:
    return list(
        await db.scalars(
            select(ActivityLog)
            .where(ActivityLog.subject_type == "users", ActivityLog.subject_id == user.id)
            .order_by(ActivityLog.id)
        )
    )


# -- suspend -------------------------------------------------------------------------------


async def test_suspending_ends_every_session_and_is_logged(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    user = await create_user(db)
    live = await create_refresh_token(db, user)
    old = await create_refresh_token(db, user, revoked_at=utcnow() - timedelta(days=3))
    old_revoked_at = old.revoked_at
    others = await create_refresh_token(db, admin)
    token = bearer(user)
    assert (await client.get(f"{URL}/me", headers=token)).status_code == 200

    response = await client.post(
        f"{URL}/{user.uuid}/suspend",
        headers=bearer(admin),
        json={"reason": "  spam in discussions "},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"

    await db.refresh(user)
    for row in (live, old, others):
        await db.refresh(row)
    assert user.status == UserStatus.SUSPENDED
    assert user.tokens_valid_after is not None
    assert live.revoked_at is not None
    assert old.revoked_at == old_revoked_at  # already revoked: left as it was
    assert others.revoked_at is None  # another user's token
    response = await client.get(f"{URL}/me", headers=token)
    assert response.status_code == 401

    [entry] = await _log(db, user)
    assert entry.log_name == "admin"
    assert entry.event == "user.suspended"
    assert entry.causer_id == admin.id
    assert entry.properties == {"reason": "spam in discussions", "previous_status": "active"}


async def test_an_admin_cannot_suspend_themself(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    response = await client.post(
        f"{URL}/{admin.uuid}/suspend", headers=bearer(admin), json={"reason": "oops"}
    )
    assert response.status_code == 403
    await db.refresh(admin)
    assert admin.status == UserStatus.ACTIVE
    assert await _log(db, admin) == []


async def test_an_admin_may_suspend_another_admin(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    rogue = await create_admin(db)
    response = await client.post(
        f"{URL}/{rogue.uuid}/suspend", headers=bearer(admin), json={"reason": "rogue"}
    )
    assert response.status_code == 200
    # The suspended admin is locked out of the admin endpoints at once.
    assert (await client.get(URL, headers=bearer(rogue))).status_code == 401


@pytest.mark.parametrize("status", [UserStatus.SUSPENDED, UserStatus.BLOCKED])
async def test_suspending_a_suspended_or_blocked_account_is_409(
    client: httpx.AsyncClient, db: AsyncSession, status: UserStatus
) -> None:
    admin = await create_admin(db)
    user = await create_user(db, status=status)
    response = await client.post(
        f"{URL}/{user.uuid}/suspend", headers=bearer(admin), json={"reason": "again"}
    )
    assert response.status_code == 409
    await db.refresh(user)
    assert user.status == status
    assert user.tokens_valid_after is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "x" * 1001},
        {"reason": "a\u0000b"},
        {"reason": 5},
        {"reason": "ok", "status": "active"},
    ],
)
async def test_bad_suspend_bodies_are_422(
    client: httpx.AsyncClient, db: AsyncSession, body: dict[str, object]
) -> None:
    admin = await create_admin(db)
    user = await create_user(db)
    token = await create_refresh_token(db, user)
    response = await client.post(f"{URL}/{user.uuid}/suspend", headers=bearer(admin), json=body)
    assert response.status_code == 422
    await db.refresh(user)
    await db.refresh(token)
    assert user.status == UserStatus.ACTIVE
    assert token.revoked_at is None


# -- restore -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [UserStatus.SUSPENDED, UserStatus.BLOCKED])
async def test_restore_makes_the_account_active(
    client: httpx.AsyncClient, db: AsyncSession, status: UserStatus
) -> None:
    admin = await create_admin(db)
    user = await create_user(db, status=status)
    response = await client.post(f"{URL}/{user.uuid}/restore", headers=bearer(admin))
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    await db.refresh(user)
    assert user.status == UserStatus.ACTIVE
    [entry] = await _log(db, user)
    assert (entry.event, entry.log_name) == ("user.restored", "admin")
    assert entry.properties == {"previous_status": status.value}
    # A new token works again.
    assert (await client.get(f"{URL}/me", headers=bearer(user))).status_code == 200


async def test_restoring_an_active_account_is_409(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    user = await create_user(db)
    response = await client.post(f"{URL}/{user.uuid}/restore", headers=bearer(admin))
    assert response.status_code == 409
    assert await _log(db, user) == []


# -- role ----------------------------------------------------------------------------------


async def test_changing_a_role_is_logged(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await create_admin(db)
    user = await create_user(db)
    response = await client.patch(
        f"{URL}/{user.uuid}/role", headers=bearer(admin), json={"role": "instructor"}
    )
    assert response.status_code == 200
    assert response.json()["role"] == "instructor"
    await db.refresh(user)
    assert user.role == UserRole.INSTRUCTOR
    [entry] = await _log(db, user)
    assert entry.event == "user.role_changed"
    assert entry.properties == {"previous_role": "student", "role": "instructor"}


async def test_setting_the_same_role_changes_and_logs_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    user = await create_user(db, role=UserRole.INSTRUCTOR)
    response = await client.patch(
        f"{URL}/{user.uuid}/role", headers=bearer(admin), json={"role": "instructor"}
    )
    assert response.status_code == 200
    assert await _log(db, user) == []


async def test_a_demoted_admin_loses_admin_access_at_once(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    other = await create_admin(db)
    token = bearer(other)
    response = await client.patch(
        f"{URL}/{other.uuid}/role", headers=bearer(admin), json={"role": "student"}
    )
    assert response.status_code == 200
    assert (await client.get(URL, headers=token)).status_code == 403


async def test_an_admin_cannot_change_their_own_role(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    response = await client.patch(
        f"{URL}/{admin.uuid}/role", headers=bearer(admin), json={"role": "student"}
    )
    assert response.status_code == 403
    await db.refresh(admin)
    assert admin.role == UserRole.ADMIN


@pytest.mark.parametrize(
    "body", [{}, {"role": "owner"}, {"role": None}, {"role": "admin", "status": "active"}]
)
async def test_bad_role_bodies_are_422(
    client: httpx.AsyncClient, db: AsyncSession, body: dict[str, object]
) -> None:
    admin = await create_admin(db)
    user = await create_user(db)
    response = await client.patch(f"{URL}/{user.uuid}/role", headers=bearer(admin), json=body)
    assert response.status_code == 422
    await db.refresh(user)
    assert user.role == UserRole.STUDENT


# -- delete / undelete ---------------------------------------------------------------------


async def test_delete_hides_the_account_and_undelete_brings_it_back(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    user = await create_user(db, username="deletable")
    refresh = await create_refresh_token(db, user)
    token = bearer(user)

    response = await client.delete(f"{URL}/{user.uuid}", headers=bearer(admin))
    assert response.status_code == 204
    assert response.content == b""
    await db.refresh(user)
    await db.refresh(refresh)
    assert user.deleted_at is not None
    assert refresh.revoked_at is not None
    assert (await client.get(f"{URL}/me", headers=token)).status_code == 401
    assert (await client.get(f"{URL}/{user.uuid}/profile")).status_code == 404
    listed = await client.get(URL, headers=bearer(admin), params={"q": "deletable"})
    assert listed.json()["items"] == []
    # Already deleted; other actions on a deleted account are conflicts too.
    assert (await client.delete(f"{URL}/{user.uuid}", headers=bearer(admin))).status_code == 409
    response = await client.post(
        f"{URL}/{user.uuid}/suspend", headers=bearer(admin), json={"reason": "x"}
    )
    assert response.status_code == 409

    response = await client.post(f"{URL}/{user.uuid}/undelete", headers=bearer(admin))
    assert response.status_code == 200
    assert response.json()["deleted_at"] is None
    await db.refresh(user)
    assert user.deleted_at is None
    assert [e.event for e in await _log(db, user)] == ["user.deleted", "user.undeleted"]
    assert (await client.get(f"{URL}/{user.uuid}/profile")).status_code == 200


async def test_undeleting_a_live_account_is_409(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    user = await create_user(db)
    response = await client.post(f"{URL}/{user.uuid}/undelete", headers=bearer(admin))
    assert response.status_code == 409


async def test_an_admin_cannot_delete_themself(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await create_admin(db)
    assert (await client.delete(f"{URL}/{admin.uuid}", headers=bearer(admin))).status_code == 403
    await db.refresh(admin)
    assert admin.deleted_at is None


# -- who may call them ---------------------------------------------------------------------


ACTIONS = [
    ("post", "suspend", {"reason": "x"}),
    ("post", "restore", None),
    ("patch", "role", {"role": "admin"}),
    ("delete", "", None),
    ("post", "undelete", None),
]


@pytest.mark.parametrize(("method", "action", "body"), ACTIONS)
async def test_moderation_needs_an_admin(
    client: httpx.AsyncClient,
    db: AsyncSession,
    method: str,
    action: str,
    body: dict[str, object] | None,
) -> None:
    target = await create_user(db, status=UserStatus.SUSPENDED)
    path = f"{URL}/{target.uuid}/{action}".rstrip("/")
    assert (await client.request(method, path, json=body)).status_code == 401
    for role in (UserRole.STUDENT, UserRole.INSTRUCTOR):
        caller = await create_user(db, role=role)
        response = await client.request(method, path, headers=bearer(caller), json=body)
        assert response.status_code == 403
    await db.refresh(target)
    assert (target.role, target.status, target.deleted_at) == (
        UserRole.STUDENT,
        UserStatus.SUSPENDED,
        None,
    )
    assert await _log(db, target) == []


@pytest.mark.parametrize(("method", "action", "body"), ACTIONS)
async def test_moderating_an_unknown_account_is_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    method: str,
    action: str,
    body: dict[str, object] | None,
) -> None:
    admin = await create_admin(db)
    path = f"{URL}/{uuid.uuid4()}/{action}".rstrip("/")
    response = await client.request(method, path, headers=bearer(admin), json=body)
    assert response.status_code == 404
