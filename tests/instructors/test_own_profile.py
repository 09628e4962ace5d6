"""The instructor's own profile: GET and PATCH /instructors/me."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import InstructorProfileStatus, User, UserProfile
from tests.conftest import bearer
from tests.factories.instructors import create_profile
from tests.instructors.conftest import BASE, profile_of

URL = f"{BASE}/me"


async def test_read_own_profile_with_private_fields(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    await create_profile(
        db,
        student,
        status=InstructorProfileStatus.APPROVED,
        commission_rate=Decimal("65.5"),
        total_earnings=Decimal("1234.56"),
        pending_earnings=Decimal("10"),
    )
    db.add(UserProfile(user_id=student.id, avatar="https://cdn.example.com/ada.png"))
    await db.flush()

    response = await client.get(URL, headers=bearer(student))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "approved"
    assert body["commission_rate"] == "65.50"
    assert body["total_earnings"] == "1234.56"
    assert body["pending_earnings"] == "10.00"
    assert body["user"] == {
        "uuid": str(student.uuid),
        "username": student.username,
        "name": student.name,
        "avatar": "https://cdn.example.com/ada.png",
    }


async def test_no_profile_is_404(client: httpx.AsyncClient, student: User) -> None:
    response = await client.get(URL, headers=bearer(student))
    assert response.status_code == 404


async def test_a_removed_profile_is_404(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    from lectern.kit.types import utcnow

    await create_profile(db, student, deleted_at=utcnow())
    assert (await client.get(URL, headers=bearer(student))).status_code == 404
    response = await client.patch(URL, json={"headline": "x"}, headers=bearer(student))
    assert response.status_code == 404


async def test_reading_and_editing_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 401
    assert (await client.patch(URL, json={"headline": "x"})).status_code == 401


@pytest.mark.parametrize(
    "status",
    [
        InstructorProfileStatus.PENDING,
        InstructorProfileStatus.APPROVED,
        InstructorProfileStatus.REJECTED,
    ],
)
async def test_edit_only_the_fields_sent(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    status: InstructorProfileStatus,
) -> None:
    await create_profile(
        db,
        student,
        status=status,
        headline="Old headline",
        short_bio="Short",
        social_links={"website": "https://old.example.com"},
    )
    response = await client.patch(
        URL,
        json={
            "bio": "A new bio",
            "short_bio": None,
            "social_links": {"youtube": "https://youtube.com/@ada"},
            "certifications": [{"name": "Cert", "url": "https://certs.example.com/1"}],
        },
        headers=bearer(student),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["headline"] == "Old headline"
    assert body["bio"] == "A new bio"
    assert body["short_bio"] is None
    assert body["social_links"] == {"youtube": "https://youtube.com/@ada"}
    assert body["status"] == status.value
    profile = await profile_of(db, student)
    assert profile is not None
    assert (profile.headline, profile.bio, profile.short_bio) == (
        "Old headline",
        "A new bio",
        None,
    )
    assert profile.social_links == {"youtube": "https://youtube.com/@ada"}
    assert profile.certifications == [{"name": "Cert", "url": "https://certs.example.com/1"}]
    assert profile.status == status


async def test_a_suspended_instructor_cannot_edit(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    await create_profile(db, student, status=InstructorProfileStatus.SUSPENDED, headline="Kept")
    response = await client.patch(URL, json={"headline": "New"}, headers=bearer(student))
    assert response.status_code == 403
    profile = await profile_of(db, student)
    assert profile is not None
    assert profile.headline == "Kept"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "approved"},
        {"commission_rate": "99.00"},
        {"rating": "5.00"},
        {"total_students": 1000},
        {"total_reviews": 1000},
        {"total_courses": 10},
        {"total_earnings": "1000000.00"},
        {"pending_earnings": "1.00"},
        {"user_id": 1},
        {"deleted_at": None},
        {"headline": None},
        {"bio": None},
        {"expertise": None},
        {"expertise": []},
        {"headline": "x" * 256},
        {"headline": ["list"]},
        {"short_bio": "bad \u0000"},
        {"social_links": {"website": "http://"}},
        {"social_links": {"instagram": "https://instagram.com/ada"}},
    ],
)
async def test_forbidden_or_bad_edits_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, student: User, body: dict[str, Any]
) -> None:
    await create_profile(
        db,
        student,
        status=InstructorProfileStatus.APPROVED,
        headline="Kept",
        commission_rate=Decimal("70"),
    )
    response = await client.patch(URL, json=body, headers=bearer(student))
    assert response.status_code == 422, response.text
    profile = await profile_of(db, student)
    assert profile is not None
    assert (profile.headline, profile.status, profile.commission_rate, profile.rating) == (
        "Kept",
        InstructorProfileStatus.APPROVED,
        Decimal("70.00"),
        Decimal("0.00"),
    )
