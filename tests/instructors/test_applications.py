"""Applying to teach: POST /instructors/me/application."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import InstructorProfile, InstructorProfileStatus, User, UserRole
from tests.conftest import bearer
from tests.factories.instructors import create_profile
from tests.instructors.conftest import BASE, application, profile_of

URL = f"{BASE}/me/application"


async def test_a_user_applies_and_is_pending(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    response = await client.post(URL, json=application(), headers=bearer(student))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending"
    assert body["headline"] == "Compiler engineer"
    assert body["expertise"] == ["Python", "Compilers"]
    assert body["social_links"] == {
        "website": "https://ada.example.com",
        "github": "https://github.com/ada",
    }
    assert body["certifications"] == [
        {"name": "PhD", "issuer": "University", "year": 2010, "url": None}
    ]
    assert body["commission_rate"] == "70.00"
    assert body["rating"] == "0.00"
    assert body["user"]["username"] == student.username
    assert body["rejection_reason"] is None
    assert "email" not in body["user"]
    assert "id" not in body
    profile = await profile_of(db, student)
    assert profile is not None
    assert profile.status == InstructorProfileStatus.PENDING
    assert profile.certifications == [{"name": "PhD", "issuer": "University", "year": 2010}]
    await db.refresh(student)
    assert student.role == UserRole.STUDENT  # not an instructor until approved


async def test_minimal_application(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    body = {"headline": "  Teacher  ", "bio": "Bio", "expertise": ["Maths", "maths", "Art"]}
    response = await client.post(URL, json=body, headers=bearer(student))
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["headline"] == "Teacher"
    assert out["expertise"] == ["Maths", "Art"]
    assert (out["social_links"], out["certifications"], out["achievements"]) == ({}, [], [])


@pytest.mark.parametrize(
    "status", [InstructorProfileStatus.PENDING, InstructorProfileStatus.APPROVED]
)
async def test_applying_twice_is_a_conflict(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    status: InstructorProfileStatus,
) -> None:
    await create_profile(db, student, status=status, headline="Original")
    response = await client.post(URL, json=application(), headers=bearer(student))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    profile = await profile_of(db, student)
    assert profile is not None
    assert (profile.status, profile.headline) == (status, "Original")


async def test_the_second_of_two_applications_is_a_conflict(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    first = await client.post(URL, json=application(), headers=bearer(student))
    second = await client.post(URL, json=application(headline="Again"), headers=bearer(student))
    assert (first.status_code, second.status_code) == (201, 409)
    count = await db.scalar(select(func.count()).where(InstructorProfile.user_id == student.id))
    assert count == 1


async def test_a_suspended_instructor_cannot_reapply(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    await create_profile(db, student, status=InstructorProfileStatus.SUSPENDED)
    response = await client.post(URL, json=application(), headers=bearer(student))
    assert response.status_code == 409
    profile = await profile_of(db, student)
    assert profile is not None
    assert profile.status == InstructorProfileStatus.SUSPENDED


async def test_a_removed_profile_cannot_reapply(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    from lectern.kit.types import utcnow

    await create_profile(db, student, status=InstructorProfileStatus.REJECTED, deleted_at=utcnow())
    response = await client.post(URL, json=application(), headers=bearer(student))
    assert response.status_code == 409
    assert response.json()["type"].endswith("instructor_profile_removed")


async def test_a_rejected_applicant_reapplies(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    old = await create_profile(
        db,
        student,
        status=InstructorProfileStatus.REJECTED,
        headline="Old",
        achievements=[{"title": "Old prize"}],
    )
    response = await client.post(
        URL,
        json={"headline": "New", "bio": "New bio", "expertise": ["Go"]},
        headers=bearer(student),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["headline"], body["achievements"]) == ("pending", "New", [])
    profile = await profile_of(db, student)
    assert profile is not None
    assert profile.id == old.id
    assert (profile.status, profile.headline, profile.achievements) == (
        InstructorProfileStatus.PENDING,
        "New",
        None,
    )


async def test_applying_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json=application())
    assert response.status_code == 401


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "approved"},
        {"commission_rate": "100"},
        {"role": "instructor"},
        {"rating": 5},
        {"total_earnings": "1000.00"},
        {"user_id": 1},
        {"headline": None},
        {"headline": ""},
        {"headline": "   "},
        {"headline": "x" * 256},
        {"headline": 12},
        {"bio": "x" * 10_001},
        {"bio": "nul \u0000 byte"},
        {"short_bio": "x" * 501},
        {"expertise": []},
        {"expertise": "Python"},
        {"expertise": ["x" * 101]},
        {"expertise": [f"s{i}" for i in range(21)]},
        {"expertise": [""]},
        {"social_links": {"myspace": "https://myspace.com/ada"}},
        {"social_links": {"website": "javascript:alert(1)"}},
        {"social_links": {"website": "ftp://example.com"}},
        {"social_links": {"website": "https://"}},
        {"social_links": {"website": "example.com"}},
        {"social_links": {"website": "https://exa mple.com"}},
        {"social_links": {"website": "https://user:pw@example.com"}},
        {"social_links": {"website": "https://example.com/" + "a" * 2048}},
        {"social_links": ["https://example.com"]},
        {"certifications": [{"issuer": "No name"}]},
        {"certifications": [{"name": "A", "year": 1800}]},
        {"certifications": [{"name": "A", "url": "data:text/html,hi"}]},
        {"certifications": [{"name": "A", "extra": 1}]},
        {"certifications": [{"name": f"c{i}"} for i in range(31)]},
        {"achievements": ["a plain string"]},
        {"achievements": [{"title": "x" * 201}]},
    ],
)
async def test_bad_applications_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, student: User, overrides: dict[str, Any]
) -> None:
    response = await client.post(URL, json=application(**overrides), headers=bearer(student))
    assert response.status_code == 422, response.text
    assert await profile_of(db, student) is None
    await db.refresh(student)
    assert student.role == UserRole.STUDENT


@pytest.mark.parametrize("missing", ["headline", "bio", "expertise"])
async def test_required_fields(
    client: httpx.AsyncClient, db: AsyncSession, student: User, missing: str
) -> None:
    body = application()
    del body[missing]
    response = await client.post(URL, json=body, headers=bearer(student))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", missing]
    assert await profile_of(db, student) is None
