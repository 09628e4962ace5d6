"""Admins suspend, reactivate and refund enrollments: conditional transitions, logged."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict
from lectern.kit.types import utcnow
from lectern.learning.access import CourseAccess, course_access
from lectern.learning.enrollments import service as enrollments
from lectern.models import ActivityLog, Course, Enrollment, EnrollmentStatus, User
from tests.auth.helpers import assert_problem
from tests.conftest import bearer
from tests.factories import create_enrollment
from tests.learning.enrollments.conftest import ENROLLMENTS, fresh


async def _access(db: AsyncSession, student: User, course: Course) -> CourseAccess:
    # Reload the enrollment: the identity map holds it as it was before the requests.
    await db.execute(
        select(Enrollment)
        .where(Enrollment.user_id == student.id)
        .execution_options(populate_existing=True)
    )
    return await course_access(db, student, course)


async def _state(db: AsyncSession, enrollment: Enrollment) -> tuple[EnrollmentStatus, bool]:
    row = await fresh(db, Enrollment, enrollment.id)
    return row.status, row.is_active


async def test_suspend_then_reactivate(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(db, student, course)
    url = f"{ENROLLMENTS}/{enrollment.uuid}"
    suspended = await client.post(
        f"{url}/suspend", json={"reason": "chargeback"}, headers=bearer(admin)
    )
    assert suspended.status_code == 200, suspended.text
    assert (suspended.json()["status"], suspended.json()["is_active"]) == ("suspended", False)
    assert await _state(db, enrollment) == (EnrollmentStatus.SUSPENDED, False)
    access = await _access(db, student, course)
    assert access.lapsed == EnrollmentStatus.SUSPENDED

    again = await client.post(f"{url}/suspend", headers=bearer(admin))
    refused = assert_problem(again, 409, "wrong_status")
    assert refused["enrollment_status"] == "suspended"

    back = await client.post(f"{url}/reactivate", headers=bearer(admin))
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["is_active"]) == ("active", True)
    assert (await _access(db, student, course)).entitled

    log = list(
        await db.scalars(
            select(ActivityLog)
            .where(
                ActivityLog.subject_type == "enrollments", ActivityLog.subject_id == enrollment.id
            )
            .order_by(ActivityLog.id)
        )
    )
    assert [entry.event for entry in log] == ["enrollment.suspended", "enrollment.reactivated"]
    assert log[0].user_id == admin.id
    assert log[0].properties == {
        "previous_status": "active",
        "status": "suspended",
        "reason": "chargeback",
    }


async def test_reactivate_restores_completed(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(
        db, student, course, status=EnrollmentStatus.COMPLETED, completed_at=utcnow()
    )
    url = f"{ENROLLMENTS}/{enrollment.uuid}"
    assert (await client.post(f"{url}/suspend", headers=bearer(admin))).status_code == 200
    back = await client.post(f"{url}/reactivate", headers=bearer(admin))
    assert back.json()["status"] == "completed"
    assert await _state(db, enrollment) == (EnrollmentStatus.COMPLETED, True)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (EnrollmentStatus.ACTIVE, "reactivate"),
        (EnrollmentStatus.COMPLETED, "reactivate"),
        (EnrollmentStatus.EXPIRED, "reactivate"),
        (EnrollmentStatus.REFUNDED, "reactivate"),
        (EnrollmentStatus.EXPIRED, "suspend"),
        (EnrollmentStatus.REFUNDED, "suspend"),
        (EnrollmentStatus.SUSPENDED, "suspend"),
        (EnrollmentStatus.REFUNDED, "refund"),
    ],
)
async def test_wrong_transitions_are_409_and_change_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    course: Course,
    status: EnrollmentStatus,
    action: str,
) -> None:
    active = status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)
    enrollment = await create_enrollment(db, student, course, status=status, is_active=active)
    response = await client.post(f"{ENROLLMENTS}/{enrollment.uuid}/{action}", headers=bearer(admin))
    assert response.status_code == 409, response.text
    assert response.json()["enrollment_status"] == status.value
    assert await _state(db, enrollment) == (status, active)
    logged = await db.scalar(
        select(ActivityLog.id).where(
            ActivityLog.subject_id == enrollment.id, ActivityLog.subject_type == "enrollments"
        )
    )
    assert logged is None


@pytest.mark.parametrize(
    "status",
    [
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.EXPIRED,
        EnrollmentStatus.SUSPENDED,
    ],
)
async def test_refund_ends_access(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    student: User,
    course: Course,
    status: EnrollmentStatus,
) -> None:
    enrollment = await create_enrollment(db, student, course, status=status)
    response = await client.post(f"{ENROLLMENTS}/{enrollment.uuid}/refund", headers=bearer(admin))
    assert response.status_code == 200, response.text
    assert await _state(db, enrollment) == (EnrollmentStatus.REFUNDED, False)
    access = await _access(db, student, course)
    assert not access.entitled
    assert access.lapsed == EnrollmentStatus.REFUNDED


async def test_the_service_refund_is_what_commerce_calls(
    db: AsyncSession, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(db, student, course)
    refunded = await enrollments.refund(db, enrollment)
    assert (refunded.status, refunded.is_active) == (EnrollmentStatus.REFUNDED, False)
    with pytest.raises(Conflict):
        await enrollments.refund(db, enrollment)


async def test_only_admins(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    owner: User,
    admin: User,
    course: Course,
) -> None:
    enrollment = await create_enrollment(db, student, course)
    url = f"{ENROLLMENTS}/{enrollment.uuid}"
    for action in ("suspend", "reactivate", "refund"):
        assert (await client.post(f"{url}/{action}")).status_code == 401
        for who in (student, owner):
            refused = await client.post(f"{url}/{action}", headers=bearer(who))
            assert refused.status_code == 403
            assert refused.json()["type"].endswith("/admin_only")
    assert await _state(db, enrollment) == (EnrollmentStatus.ACTIVE, True)


async def test_unknown_and_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User, course: Course
) -> None:
    missing = await client.post(
        f"{ENROLLMENTS}/00000000-0000-4000-8000-000000000000/suspend", headers=bearer(admin)
    )
    assert missing.status_code == 404
    enrollment = await create_enrollment(db, student, course)
    url = f"{ENROLLMENTS}/{enrollment.uuid}/suspend"
    for body in ({"reason": "x" * 501}, {"why": "no"}, {"reason": 5}):
        response = await client.post(url, json=body, headers=bearer(admin))
        assert response.status_code == 422, body
    assert await _state(db, enrollment) == (EnrollmentStatus.ACTIVE, True)


async def test_reactivating_a_lapsed_date_then_expires_on_access(
    db: AsyncSession, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(
        db,
        student,
        course,
        status=EnrollmentStatus.SUSPENDED,
        is_active=False,
        expires_at=utcnow() - timedelta(days=1),
    )
    await enrollments.reactivate(db, enrollment)
    access = await _access(db, student, course)
    assert access.lapsed == EnrollmentStatus.EXPIRED
