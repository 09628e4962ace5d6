"""Administrators: the list, approving, rejecting, suspending, reinstating, commission."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import InstructorProfileStatus, User, UserRole, UserStatus
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.instructors import create_admin, create_profile
from tests.instructors.conftest import BASE, QueryCounter, admin_log

Status = InstructorProfileStatus


# -- the list ----------------------------------------------------------------------------


async def test_admins_list_applications_by_status(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    pending = [await create_profile(db, status=Status.PENDING) for _ in range(3)]
    await create_profile(db, status=Status.APPROVED)
    await create_profile(db, status=Status.PENDING, deleted_at=utcnow())
    newest_first = [str((await _user(db, p)).uuid) for p in reversed(pending)]

    first = await client.get(
        BASE, params={"status": "pending", "per_page": 2}, headers=bearer(admin)
    )
    second = await client.get(
        BASE, params={"status": "pending", "per_page": 2, "page": 2}, headers=bearer(admin)
    )

    assert first.status_code == 200, first.text
    assert first.json()["meta"] == {"total": 3, "page": 1, "per_page": 2, "pages": 2}
    items = first.json()["items"] + second.json()["items"]
    assert [item["user"]["uuid"] for item in items] == newest_first
    assert {item["status"] for item in items} == {"pending"}
    assert items[0]["user"]["email"].endswith("@example.test")
    assert items[0]["user"]["role"] == "student"
    assert items[0]["commission_rate"] == "70.00"
    assert "id" not in items[0]
    assert "password_hash" not in items[0]["user"]
    oldest_first = await client.get(
        BASE, params={"status": "pending", "sort": "created_at"}, headers=bearer(admin)
    )
    assert [i["user"]["uuid"] for i in oldest_first.json()["items"]] == newest_first[::-1]


async def test_list_all_search_sort_and_deleted(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    low = await create_profile(db, status=Status.APPROVED, rating=Decimal("3.10"))
    high = await create_profile(db, status=Status.APPROVED, rating=Decimal("4.90"))
    target = await create_user(db, username="findme_100%", name="Findable")
    await create_profile(db, target, deleted_at=utcnow())

    everything = await client.get(
        BASE, params={"sort": "-rating", "per_page": 100}, headers=bearer(admin)
    )
    ratings = [item["rating"] for item in everything.json()["items"]]
    assert ratings == sorted(ratings, key=Decimal, reverse=True)
    uuids = [item["user"]["uuid"] for item in everything.json()["items"]]
    assert uuids.index(str((await _user(db, high)).uuid)) < uuids.index(
        str((await _user(db, low)).uuid)
    )

    assert (await client.get(BASE, params={"q": "findme"}, headers=bearer(admin))).json()["meta"][
        "total"
    ] == 0
    found = await client.get(
        BASE, params={"q": "ME_100%", "include_deleted": "true"}, headers=bearer(admin)
    )
    assert [item["user"]["username"] for item in found.json()["items"]] == ["findme_100%"]
    assert found.json()["items"][0]["deleted_at"] is not None
    # "%" is a literal, not a wildcard.
    none = await client.get(
        BASE, params={"q": "me%100", "include_deleted": "true"}, headers=bearer(admin)
    )
    assert none.json()["meta"]["total"] == 0


async def _user(db: AsyncSession, profile: Any) -> User:
    user = await db.get(User, profile.user_id)
    assert user is not None
    return user


@pytest.mark.parametrize(
    "params",
    [
        {"status": "hired"},
        {"sort": "password_hash"},
        {"sort": "email; drop table users"},
        {"per_page": 101},
        {"page": 0},
        {"q": "x" * 101},
        {"include_deleted": "perhaps"},
    ],
)
async def test_bad_list_parameters(
    client: httpx.AsyncClient, admin: User, params: dict[str, Any]
) -> None:
    response = await client.get(BASE, params=params, headers=bearer(admin))
    assert response.status_code == 422


async def test_the_list_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, queries: QueryCounter
) -> None:
    async def count() -> int:
        queries.statements.clear()
        response = await client.get(BASE, params={"per_page": 100}, headers=bearer(admin))
        assert response.status_code == 200
        return queries.count

    await create_profile(db, status=Status.REJECTED)
    small = await count()
    for status in (Status.PENDING, Status.APPROVED, Status.REJECTED, Status.SUSPENDED) * 3:
        await create_profile(db, status=status)
    assert await count() == small


async def test_the_list_is_for_admins(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    assert (await client.get(BASE)).status_code == 401
    instructor = await create_user(db, role=UserRole.INSTRUCTOR)
    assert (await client.get(BASE, headers=bearer(student))).status_code == 403
    assert (await client.get(BASE, headers=bearer(instructor))).status_code == 403


# -- decisions ---------------------------------------------------------------------------


async def test_approving_makes_the_user_an_instructor(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User
) -> None:
    profile = await create_profile(db, student, status=Status.PENDING)

    response = await client.post(f"{BASE}/{student.uuid}/approve", headers=bearer(admin))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "approved"
    assert body["user"]["role"] == "instructor"
    await db.refresh(student)
    await db.refresh(profile)
    assert (student.role, profile.status) == (UserRole.INSTRUCTOR, Status.APPROVED)
    [entry] = await admin_log(db)
    assert entry.event == "instructor.approved"
    assert (entry.causer_id, entry.subject_type, entry.subject_id) == (
        admin.id,
        "instructor_profiles",
        profile.id,
    )
    assert entry.properties is not None
    assert entry.properties["from_status"] == "pending"
    # The public page now exists.
    assert (await client.get(f"{BASE}/{student.username}")).status_code == 200


async def test_approving_an_admin_keeps_them_admin(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    other_admin = await create_admin(db)
    await create_profile(db, other_admin, status=Status.PENDING)
    response = await client.post(f"{BASE}/{other_admin.uuid}/approve", headers=bearer(admin))
    assert response.status_code == 200
    await db.refresh(other_admin)
    assert other_admin.role == UserRole.ADMIN


async def test_rejecting_keeps_the_reason_and_shows_it(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User
) -> None:
    profile = await create_profile(db, student, status=Status.PENDING)

    response = await client.post(
        f"{BASE}/{student.uuid}/reject",
        json={"reason": "  Please add your teaching experience.  "},
        headers=bearer(admin),
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Please add your teaching experience."
    await db.refresh(profile)
    await db.refresh(student)
    assert (profile.status, student.role) == (Status.REJECTED, UserRole.STUDENT)
    [entry] = await admin_log(db)
    assert entry.event == "instructor.rejected"
    assert entry.properties is not None
    assert entry.properties["reason"] == "Please add your teaching experience."

    # The applicant and the admin list see it.
    own = await client.get(f"{BASE}/me", headers=bearer(student))
    assert own.json()["rejection_reason"] == "Please add your teaching experience."
    listed = await client.get(BASE, params={"status": "rejected"}, headers=bearer(admin))
    assert listed.json()["items"][0]["rejection_reason"] == ("Please add your teaching experience.")

    # Re-applying puts it back to review, without the old reason.
    again = await client.post(
        f"{BASE}/me/application",
        json={"headline": "Better", "bio": "Ten years teaching.", "expertise": ["Go"]},
        headers=bearer(student),
    )
    assert again.status_code == 201
    assert (again.json()["status"], again.json()["rejection_reason"]) == ("pending", None)

    # A second rejection shows the latest reason.
    await client.post(
        f"{BASE}/{student.uuid}/reject", json={"reason": "Still no."}, headers=bearer(admin)
    )
    own = await client.get(f"{BASE}/me", headers=bearer(student))
    assert own.json()["rejection_reason"] == "Still no."


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": "x" * 2001},
        {"reason": 5},
        {"reason": "a\u0000b"},
        {"reason": "ok", "status": "approved"},
    ],
)
async def test_a_rejection_needs_a_reason(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    body: dict[str, Any] | None,
) -> None:
    profile = await create_profile(db, student, status=Status.PENDING)
    response = await client.post(f"{BASE}/{student.uuid}/reject", json=body, headers=bearer(admin))
    assert response.status_code == 422
    await db.refresh(profile)
    assert profile.status == Status.PENDING
    assert await admin_log(db) == []


async def test_suspending_takes_the_instructor_role_away_and_reinstating_gives_it_back(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User
) -> None:
    profile = await create_profile(db, student, status=Status.APPROVED)
    await db.refresh(student)
    assert student.role == UserRole.INSTRUCTOR

    response = await client.post(
        f"{BASE}/{student.uuid}/suspend", json={"reason": "Spam"}, headers=bearer(admin)
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"
    await db.refresh(student)
    await db.refresh(profile)
    assert (student.role, profile.status) == (UserRole.STUDENT, Status.SUSPENDED)
    assert (await client.get(f"{BASE}/{student.username}")).status_code == 404
    patch = await client.patch(f"{BASE}/me", json={"headline": "x"}, headers=bearer(student))
    assert patch.status_code == 403

    response = await client.post(f"{BASE}/{student.uuid}/reinstate", headers=bearer(admin))

    assert response.status_code == 200, response.text
    await db.refresh(student)
    await db.refresh(profile)
    assert (student.role, profile.status) == (UserRole.INSTRUCTOR, Status.APPROVED)
    suspended, reinstated = await admin_log(db)
    assert (suspended.event, reinstated.event) == (
        "instructor.suspended",
        "instructor.reinstated",
    )
    assert suspended.properties is not None
    assert suspended.properties["reason"] == "Spam"


async def test_suspending_without_a_body(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User
) -> None:
    profile = await create_profile(db, student, status=Status.APPROVED)
    response = await client.post(f"{BASE}/{student.uuid}/suspend", headers=bearer(admin))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"
    await db.refresh(profile)
    assert profile.status == Status.SUSPENDED
    bad = await client.post(
        f"{BASE}/{student.uuid}/suspend", json={"role": "student"}, headers=bearer(admin)
    )
    assert bad.status_code == 422
    assert len(await admin_log(db)) == 1  # the refused call logged nothing


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", Status.APPROVED),
        ("approve", Status.REJECTED),
        ("approve", Status.SUSPENDED),
        ("reject", Status.APPROVED),
        ("reject", Status.REJECTED),
        ("reject", Status.SUSPENDED),
        ("suspend", Status.PENDING),
        ("suspend", Status.REJECTED),
        ("suspend", Status.SUSPENDED),
        ("reinstate", Status.PENDING),
        ("reinstate", Status.APPROVED),
        ("reinstate", Status.REJECTED),
    ],
)
async def test_decisions_in_the_wrong_state_are_conflicts(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    action: str,
    status: Status,
) -> None:
    profile = await create_profile(db, student, status=status)
    await db.refresh(student)
    role = student.role
    body = {"reason": "r"} if action == "reject" else None
    response = await client.post(
        f"{BASE}/{student.uuid}/{action}", json=body, headers=bearer(admin)
    )
    assert response.status_code == 409, response.text
    await db.refresh(profile)
    await db.refresh(student)
    assert (profile.status, student.role) == (status, role)
    assert await admin_log(db) == []


@pytest.mark.parametrize("user_status", [UserStatus.BLOCKED, UserStatus.SUSPENDED])
async def test_an_inactive_account_cannot_be_approved(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, user_status: UserStatus
) -> None:
    user = await create_user(db, status=user_status)
    await create_profile(db, user, status=Status.PENDING)
    response = await client.post(f"{BASE}/{user.uuid}/approve", headers=bearer(admin))
    assert response.status_code == 409
    await db.refresh(user)
    assert user.role == UserRole.STUDENT


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "approve", None),
        ("POST", "reject", {"reason": "no"}),
        ("POST", "suspend", None),
        ("POST", "reinstate", None),
        ("PUT", "commission-rate", {"commission_rate": "50"}),
    ],
)
async def test_admin_actions_are_for_admins_and_find_only_live_profiles(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    applicant = await create_user(db)
    profile = await create_profile(db, applicant, status=Status.PENDING)
    url = f"{BASE}/{applicant.uuid}/{path}"
    instructor = await create_user(db, role=UserRole.INSTRUCTOR)

    assert (await client.request(method, url, json=body)).status_code == 401
    for caller in (student, instructor, applicant):
        response = await client.request(method, url, json=body, headers=bearer(caller))
        assert response.status_code == 403

    no_profile = await create_user(db)
    removed = await create_user(db)
    await create_profile(db, removed, deleted_at=utcnow())
    deleted_user = await create_user(db, deleted_at=utcnow())
    await create_profile(db, deleted_user)
    for target in (uuid.uuid4(), no_profile.uuid, removed.uuid, deleted_user.uuid):
        response = await client.request(
            method, f"{BASE}/{target}/{path}", json=body, headers=bearer(admin)
        )
        assert response.status_code == 404, (target, response.text)
    bad_uuid = await client.request(
        method, f"{BASE}/not-a-uuid/{path}", json=body, headers=bearer(admin)
    )
    assert bad_uuid.status_code == 422

    await db.refresh(profile)
    assert (profile.status, profile.commission_rate) == (Status.PENDING, Decimal("70.00"))
    assert await admin_log(db) == []


# -- commission --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("12.5", "12.50"), (0, "0.00"), ("100", "100.00"), (33.33, "33.33")],
)
async def test_admins_set_the_commission_rate(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    sent: Any,
    stored: str,
) -> None:
    profile = await create_profile(db, student, status=Status.APPROVED)
    response = await client.put(
        f"{BASE}/{student.uuid}/commission-rate",
        json={"commission_rate": sent},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.text
    assert response.json()["commission_rate"] == stored
    await db.refresh(profile)
    assert profile.commission_rate == Decimal(stored)
    [entry] = await admin_log(db)
    assert entry.event == "instructor.commission_rate_changed"
    assert entry.properties is not None
    assert (entry.properties["from"], entry.properties["to"]) == ("70.00", stored)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"commission_rate": -1},
        {"commission_rate": "100.01"},
        {"commission_rate": "12.345"},
        {"commission_rate": "NaN"},
        {"commission_rate": "Infinity"},
        {"commission_rate": "lots"},
        {"commission_rate": None},
        {"commission_rate": "50", "status": "approved"},
    ],
)
async def test_bad_commission_rates_are_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    body: dict[str, Any],
) -> None:
    profile = await create_profile(db, student, status=Status.APPROVED)
    response = await client.put(
        f"{BASE}/{student.uuid}/commission-rate", json=body, headers=bearer(admin)
    )
    assert response.status_code == 422
    await db.refresh(profile)
    assert profile.commission_rate == Decimal("70.00")
    assert await admin_log(db) == []
