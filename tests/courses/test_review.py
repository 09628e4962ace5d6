"""The review workflow: submit, approve or reject, resubmit, unpublish and republish."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, Course, CourseAccessType, CourseStatus, User
from tests.conftest import bearer
from tests.courses.conftest import BASE
from tests.factories import create_course, create_lesson, create_section
from tests.factories.courses import create_co_instructor, create_ready_course


async def _fresh(db: AsyncSession, course: Course) -> Course:
    row = await db.scalar(
        select(Course).where(Course.id == course.id).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def _log(db: AsyncSession, event: str) -> ActivityLog | None:
    return await db.scalar(select(ActivityLog).where(ActivityLog.event == event))


async def test_full_cycle(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, admin: User
) -> None:
    course = await create_ready_course(db, owner)
    url = f"{BASE}/{course.uuid}"
    submitted = await client.post(f"{url}/submit", headers=bearer(owner))
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "pending_review"
    assert submitted.json()["submitted_at"] is not None

    rejected = await client.post(
        f"{url}/reject", json={"reason": "Add more lessons."}, headers=bearer(admin)
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Add more lessons."
    entry = await _log(db, "course.rejected")
    assert entry is not None
    assert entry.user_id == admin.id
    assert entry.subject_id == course.id

    edited = await client.patch(url, json={"subtitle": "Improved"}, headers=bearer(owner))
    assert edited.status_code == 200
    resubmitted = await client.post(f"{url}/submit", headers=bearer(owner))
    assert resubmitted.json()["status"] == "pending_review"

    # The review queue shows it to admins.
    queue = await client.get(BASE, params={"status": "pending_review"}, headers=bearer(admin))
    assert [c["uuid"] for c in queue.json()["items"]] == [str(course.uuid)]

    approved = await client.post(f"{url}/approve", headers=bearer(admin))
    assert approved.status_code == 200
    data = approved.json()
    assert data["status"] == "published"
    assert data["is_approved"] is True
    assert data["is_published"] is True
    assert data["approved_at"] is not None
    assert data["published_at"] is not None
    assert data["rejection_reason"] is None
    assert await _log(db, "course.approved") is not None
    stored = await _fresh(db, course)
    assert stored.status == CourseStatus.PUBLISHED
    assert stored.published_at is not None
    first_published = stored.published_at

    unpublished = await client.post(f"{url}/unpublish", headers=bearer(owner))
    assert unpublished.json()["status"] == "unpublished"
    assert unpublished.json()["is_published"] is False
    republished = await client.post(f"{url}/publish", headers=bearer(owner))
    assert republished.json()["status"] == "published"
    assert republished.json()["is_published"] is True
    assert (await _fresh(db, course)).published_at == first_published


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 5001}])
async def test_reject_needs_a_reason(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, admin: User, body: dict[str, Any]
) -> None:
    course = await create_ready_course(db, owner, status=CourseStatus.PENDING_REVIEW)
    response = await client.post(f"{BASE}/{course.uuid}/reject", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert (await _fresh(db, course)).status == CourseStatus.PENDING_REVIEW


async def test_submit_checks_what_is_missing(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    course = await create_course(db, owner)  # no description, no lessons
    section = await create_section(db, course)
    await create_lesson(db, section, is_published=False)
    await create_lesson(db, section, deleted_at=datetime.now(UTC))
    response = await client.post(f"{BASE}/{course.uuid}/submit", headers=bearer(owner))
    assert response.status_code == 422
    fields = {error["loc"][0] for error in response.json()["errors"]}
    assert fields == {"description", "lessons"}
    assert (await _fresh(db, course)).status == CourseStatus.DRAFT


async def test_submit_checks_lessons_of_deleted_sections(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    course = await create_course(db, owner, description="About")
    section = await create_section(db, course, deleted_at=datetime.now(UTC))
    await create_lesson(db, section)
    response = await client.post(f"{BASE}/{course.uuid}/submit", headers=bearer(owner))
    assert response.status_code == 422


@pytest.mark.parametrize(
    "values",
    [
        {"price": "10.00", "compare_price": "5.00"},
        {"access_type": CourseAccessType.LIMITED},
    ],
)
async def test_submit_checks_price_and_access_rules(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, values: dict[str, Any]
) -> None:
    course = await create_ready_course(db, owner, **values)
    response = await client.post(f"{BASE}/{course.uuid}/submit", headers=bearer(owner))
    assert response.status_code == 422
    assert (await _fresh(db, course)).status == CourseStatus.DRAFT


async def test_wrong_status_is_409(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, admin: User
) -> None:
    course = await create_ready_course(db, owner)
    url = f"{BASE}/{course.uuid}"
    assert (await client.post(f"{url}/approve", headers=bearer(admin))).status_code == 409
    assert (
        await client.post(f"{url}/reject", json={"reason": "x"}, headers=bearer(admin))
    ).status_code == 409
    assert (await client.post(f"{url}/unpublish", headers=bearer(owner))).status_code == 409
    assert (await client.post(f"{url}/publish", headers=bearer(owner))).status_code == 409
    assert (await client.post(f"{url}/submit", headers=bearer(owner))).status_code == 200
    assert (await client.post(f"{url}/submit", headers=bearer(owner))).status_code == 409
    assert (await client.post(f"{url}/approve", headers=bearer(admin))).status_code == 200
    # A second approval (a racing admin) does not win.
    assert (await client.post(f"{url}/approve", headers=bearer(admin))).status_code == 409
    assert (await client.post(f"{url}/submit", headers=bearer(owner))).status_code == 409


async def test_unpublished_never_approved_cannot_be_republished(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    course = await create_ready_course(db, owner, status=CourseStatus.UNPUBLISHED)
    response = await client.post(f"{BASE}/{course.uuid}/publish", headers=bearer(owner))
    assert response.status_code == 409
    assert (await _fresh(db, course)).status == CourseStatus.UNPUBLISHED


async def test_who_may_do_what(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User, student: User
) -> None:
    course = await create_ready_course(db, owner, status=CourseStatus.PENDING_REVIEW)
    url = f"{BASE}/{course.uuid}"
    # Instructors cannot approve or reject, not even their own course.
    assert (await client.post(f"{url}/approve", headers=bearer(owner))).status_code == 403
    assert (
        await client.post(f"{url}/reject", json={"reason": "x"}, headers=bearer(owner))
    ).status_code == 403
    assert (await client.post(f"{url}/approve")).status_code == 401
    draft = await create_ready_course(db, owner)
    assert (
        await client.post(f"{BASE}/{draft.uuid}/submit", headers=bearer(other))
    ).status_code == 404
    assert (
        await client.post(f"{BASE}/{draft.uuid}/submit", headers=bearer(student))
    ).status_code == 403
    assert (await _fresh(db, draft)).status == CourseStatus.DRAFT
    # A co-instructor may submit but not unpublish.
    await create_co_instructor(db, draft, other)
    assert (
        await client.post(f"{BASE}/{draft.uuid}/submit", headers=bearer(other))
    ).status_code == 200
    published = await create_ready_course(
        db, owner, status=CourseStatus.PUBLISHED, is_approved=True, is_published=True
    )
    await create_co_instructor(db, published, other)
    assert (
        await client.post(f"{BASE}/{published.uuid}/unpublish", headers=bearer(other))
    ).status_code == 403
    assert (await _fresh(db, published)).status == CourseStatus.PUBLISHED


async def test_admin_unpublish_is_logged(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, admin: User
) -> None:
    course = await create_ready_course(
        db, owner, status=CourseStatus.PUBLISHED, is_approved=True, is_published=True
    )
    response = await client.post(f"{BASE}/{course.uuid}/unpublish", headers=bearer(admin))
    assert response.status_code == 200
    assert await _log(db, "course.unpublished") is not None
