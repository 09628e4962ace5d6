"""An account whose e-mail address is not confirmed yet does what the setting
auth.verified_email_required_for allows: by default it learns but does not teach."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, Enrollment, InstructorProfile, SettingType, User, UserRole
from lectern.platform.service import ensure_defaults
from tests.auth.helpers import assert_problem
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course
from tests.factories.platform import create_setting
from tests.instructors.conftest import application

ENROLLMENTS = "/api/v1/enrollments"
APPLY = "/api/v1/instructors/me/application"
STUDIO = "/api/v1/studio/courses"


async def count(db: AsyncSession, model: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def require(db: AsyncSession, powers: list[str]) -> None:
    await create_setting(db, "auth.verified_email_required_for", powers, SettingType.JSON)


async def newcomer(db: AsyncSession, **values: Any) -> User:
    return await create_user(db, email_verified_at=None, **values)


async def test_by_default_a_newcomer_may_enroll_but_not_apply_to_teach(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await ensure_defaults(db)
    student = await newcomer(db)
    course = await create_published_course(db)

    enrolled = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    applied = await client.post(APPLY, json=application(), headers=bearer(student))

    assert enrolled.status_code == 201, enrolled.text
    assert await count(db, Enrollment) == 1
    body = assert_problem(applied, 403, "email_unverified")
    assert "confirm your e-mail address to teach" in body["detail"]
    assert await count(db, InstructorProfile) == 0


async def test_a_confirmed_account_may_apply(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await ensure_defaults(db)
    student = await create_user(db)  # confirmed

    applied = await client.post(APPLY, json=application(), headers=bearer(student))

    assert applied.status_code == 201, applied.text
    assert await count(db, InstructorProfile) == 1


async def test_a_platform_may_hold_back_enrolling_too(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await require(db, ["enroll", "teach"])
    student = await newcomer(db)
    course = await create_published_course(db)

    refused = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )

    assert_problem(refused, 403, "email_unverified")
    assert await count(db, Enrollment) == 0


async def test_a_platform_may_hold_back_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await require(db, [])
    student = await newcomer(db)

    applied = await client.post(APPLY, json=application(), headers=bearer(student))

    assert applied.status_code == 201, applied.text


async def test_an_unconfirmed_instructor_may_not_author_a_course(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await ensure_defaults(db)
    instructor = await create_instructor(db, email_verified_at=None)
    admin = await newcomer(db, role=UserRole.ADMIN)

    refused = await client.post(STUDIO, json={"title": "Mine"}, headers=bearer(instructor))
    by_admin = await client.post(STUDIO, json={"title": "Admin's"}, headers=bearer(admin))

    assert_problem(refused, 403, "email_unverified")
    assert by_admin.status_code == 201, by_admin.text  # admins are never held back
    assert list(await db.scalars(select(Course.title))) == ["Admin's"]
