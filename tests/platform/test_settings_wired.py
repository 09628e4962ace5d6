"""The platform settings an admin changes take effect: sign-up closes, courses go live without
review, new courses take the default currency, and e-mails carry the site's name and support
address."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, CourseStatus, SettingType, User
from lectern.platform.service import ensure_defaults, get_value
from tests.auth.helpers import assert_problem
from tests.conftest import bearer
from tests.factories.courses import create_instructor, create_ready_course
from tests.factories.platform import create_setting
from tests.mailbox import Mailbox, body_text

REGISTER = "/api/v1/auth/register"
STUDIO = "/api/v1/studio/courses"
SETTINGS = "/api/v1/settings"
NEW_ACCOUNT = {"name": "Ada Lovelace", "email": "ada@example.com", "password": "Analytical-1843"}


async def users_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(User)) or 0)


async def fresh(db: AsyncSession, course: Course) -> Course:
    row = await db.scalar(
        select(Course).where(Course.id == course.id).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def test_sign_up_closed_refuses_and_creates_nothing(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    await create_setting(db, "registration.enabled", False, SettingType.BOOLEAN)
    before = await users_count(db)

    response = await client.post(REGISTER, json=NEW_ACCOUNT)

    assert_problem(response, 403, "registration_closed")
    assert await users_count(db) == before
    assert mailbox.messages == []


async def test_sign_up_open_by_default(client: httpx.AsyncClient, db: AsyncSession) -> None:
    before = await users_count(db)

    response = await client.post(REGISTER, json=NEW_ACCOUNT)

    assert response.status_code == 202, response.text
    assert await users_count(db) == before + 1


async def test_without_review_a_ready_course_is_published_on_submit(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_setting(db, "courses.review_required", False, SettingType.BOOLEAN)
    owner = await create_instructor(db)
    course = await create_ready_course(db, owner)

    response = await client.post(f"{STUDIO}/{course.uuid}/submit", headers=bearer(owner))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    stored = await fresh(db, course)
    assert stored.status == CourseStatus.PUBLISHED
    assert stored.is_published
    assert stored.is_approved
    assert stored.submitted_at is not None
    assert stored.published_at is not None


async def test_without_review_an_unready_course_is_still_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_setting(db, "courses.review_required", False, SettingType.BOOLEAN)
    owner = await create_instructor(db)
    created = await client.post(STUDIO, json={"title": "Empty"}, headers=bearer(owner))
    uuid = created.json()["uuid"]

    response = await client.post(f"{STUDIO}/{uuid}/submit", headers=bearer(owner))

    assert response.status_code == 422, response.text
    stored = await db.scalar(select(Course.status).where(Course.uuid == UUID(uuid)))
    assert stored == CourseStatus.DRAFT


async def test_with_review_required_submit_waits_for_an_admin(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await create_instructor(db)
    course = await create_ready_course(db, owner)

    response = await client.post(f"{STUDIO}/{course.uuid}/submit", headers=bearer(owner))

    assert response.json()["status"] == "pending_review"
    assert (await fresh(db, course)).is_published is False


async def test_a_new_course_takes_the_default_currency(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_setting(db, "currency.default", "EUR")
    owner = await create_instructor(db)

    implicit = await client.post(STUDIO, json={"title": "Euros"}, headers=bearer(owner))
    explicit = await client.post(
        STUDIO, json={"title": "Yen", "currency": "JPY"}, headers=bearer(owner)
    )

    assert implicit.status_code == explicit.status_code == 201
    assert implicit.json()["currency"] == "EUR"
    assert explicit.json()["currency"] == "JPY"
    currencies = await db.scalars(select(Course.currency).order_by(Course.id))
    assert list(currencies) == ["EUR", "JPY"]


async def test_without_the_setting_new_courses_are_in_dollars(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await create_instructor(db)

    response = await client.post(STUDIO, json={"title": "Dollars"}, headers=bearer(owner))

    assert response.json()["currency"] == "USD"


async def test_e_mails_carry_the_site_name_and_support_address(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    await create_setting(db, "site.name", "Riverside Academy")
    await create_setting(db, "site.support_email", "help@riverside.example")

    await client.post(REGISTER, json=NEW_ACCOUNT)
    await client.post(REGISTER, json=NEW_ACCOUNT)  # the address now has an account

    [_, exists] = await mailbox.wait(2)
    assert exists["Subject"] == "You already have a Riverside Academy account"
    text = body_text(exists)
    assert "tried to sign up for Riverside Academy" in text
    assert "Questions? Write to help@riverside.example." in text
    html = exists.get_body(preferencelist=("html",))
    assert html is not None
    assert "Riverside Academy · you receive this" in str(html.get_content())


async def test_e_mails_fall_back_to_the_defaults(
    client: httpx.AsyncClient, db: AsyncSession, mailbox: Mailbox
) -> None:
    await client.post(REGISTER, json=NEW_ACCOUNT)
    await client.post(REGISTER, json=NEW_ACCOUNT)

    [_, exists] = await mailbox.wait(2)
    assert exists["Subject"] == "You already have a Lectern account"
    assert "Questions?" not in body_text(exists)


# -- the settings Lectern acts on keep their type and range ------------------------------


@pytest.mark.parametrize(
    ("key", "body", "field"),
    [
        ("currency.default", {"value": "XYZ", "type": "string"}, "value"),
        ("currency.default", {"value": "XAU", "type": "string"}, "value"),  # gold, not money
        ("currency.default", {"value": 978, "type": "integer"}, "type"),
        ("registration.enabled", {"value": "no", "type": "string"}, "type"),
        ("uploads.max_file_mb", {"value": 0, "type": "integer"}, "value"),
        ("learning.completion_threshold", {"value": 101, "type": "integer"}, "value"),
        ("auth.verified_email_required_for", {"value": ["fly"], "type": "json"}, "value"),
        ("auth.verified_email_required_for", {"value": "teach", "type": "json"}, "value"),
    ],
)
async def test_a_value_lectern_cannot_act_on_is_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: User,
    key: str,
    body: dict[str, Any],
    field: str,
) -> None:
    await ensure_defaults(db)
    before = await get_value(db, key)

    put = await client.put(f"{SETTINGS}/{key}", json=body, headers=bearer(admin))
    patched = await client.patch(f"{SETTINGS}/{key}", json=body, headers=bearer(admin))

    for response in (put, patched):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", field]
    db.expire_all()
    assert await get_value(db, key) == before


async def test_a_good_value_is_taken_and_used(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await ensure_defaults(db)

    response = await client.patch(
        f"{SETTINGS}/currency.default", json={"value": "GBP"}, headers=bearer(admin)
    )
    created = await client.post(STUDIO, json={"title": "Pounds"}, headers=bearer(admin))

    assert response.status_code == 200, response.text
    assert created.json()["currency"] == "GBP"
