"""GET/PATCH /users/me/notification-preferences: the owner's switches, booleans only."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import NotificationPreference, UserProfile
from lectern.users import service
from lectern.users.preferences import DEFAULTS
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.users import create_preferences

URL = "/api/v1/users/me/notification-preferences"
# Every switch's default, and the other choices'.
EVERY_DEFAULT = {
    **DEFAULTS,
    "email_cadence": "instant",
    "quiet_hours_start": None,
    "quiet_hours_end": None,
}


async def _rows(db: AsyncSession, user_id: int) -> list[NotificationPreference]:
    return list(
        await db.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    )


async def test_a_registered_user_reads_the_defaults(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await service.create_user(
        db, name="Reg", email="reg@example.com", password="Analytical-1843"
    )
    response = await client.get(URL, headers=bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body == EVERY_DEFAULT
    assert body["email_promotions"] is False
    assert body["email_new_lessons"] is True
    assert "id" not in body
    assert "user_id" not in body


async def test_an_account_without_preferences_reads_defaults_and_a_change_creates_them(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)  # made without the registration service: no row
    response = await client.get(URL, headers=bearer(user))
    assert response.json() == EVERY_DEFAULT
    assert await _rows(db, user.id) == []

    response = await client.patch(URL, headers=bearer(user), json={"push_promotions": True})
    assert response.status_code == 200, response.text
    assert response.json() == {**EVERY_DEFAULT, "push_promotions": True}
    rows = await _rows(db, user.id)
    assert len(rows) == 1
    assert rows[0].push_promotions is True


async def test_patch_changes_only_the_switches_sent(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    preferences = await create_preferences(db, user, email_promotions=True)
    response = await client.patch(
        URL, headers=bearer(user), json={"email_new_lessons": False, "push_qa_replies": False}
    )
    assert response.status_code == 200
    await db.refresh(preferences)
    assert preferences.email_new_lessons is False
    assert preferences.push_qa_replies is False
    assert preferences.email_promotions is True
    assert preferences.email_announcements is True


async def test_each_user_changes_only_their_own(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await create_user(db)
    other = await create_user(db)
    mine = await create_preferences(db, owner)
    theirs = await create_preferences(db, other)
    await client.patch(URL, headers=bearer(owner), json={"email_announcements": False})
    await db.refresh(mine)
    await db.refresh(theirs)
    assert mine.email_announcements is False
    assert theirs.email_announcements is True


@pytest.mark.parametrize(
    "body",
    [
        {"email_promotions": "yes"},
        {"email_promotions": "true"},
        {"email_promotions": 1},
        {"email_promotions": None},
        {"email_promotions": [True]},
        {"sms_everything": True},
        {"user_id": 2},
        {"id": 1},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"email_promotions\u0000": True},
    ],
)
async def test_bad_preferences_are_refused_and_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, body: dict[str, object]
) -> None:
    user = await create_user(db)
    preferences = await create_preferences(db, user)
    response = await client.patch(URL, headers=bearer(user), json=body)
    assert response.status_code == 422, response.text
    await db.refresh(preferences)
    assert preferences.email_promotions is False
    assert preferences.user_id == user.id


async def test_preferences_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 401
    assert (await client.patch(URL, json={"email_promotions": True})).status_code == 401


async def test_ensure_row_is_idempotent(db: AsyncSession) -> None:
    """Two first edits racing each other: the second insert is skipped, not an error."""
    user = await create_user(db)
    await service.ensure_row(db, UserProfile, user)
    await service.ensure_row(db, UserProfile, user)
    count = await db.scalar(
        select(func.count()).select_from(UserProfile).where(UserProfile.user_id == user.id)
    )
    assert count == 1


async def test_the_cadence_and_quiet_hours_are_chosen_and_checked(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    chosen = await client.patch(
        URL,
        headers=bearer(user),
        json={"email_cadence": "weekly", "quiet_hours_start": "22:30", "quiet_hours_end": "07:00"},
    )
    half = await client.patch(URL, headers=bearer(user), json={"quiet_hours_end": None})
    wrong = [
        await client.patch(URL, headers=bearer(user), json=body)
        for body in (
            {"email_cadence": "hourly"},
            {"quiet_hours_start": "24:00"},
            {"quiet_hours_start": "7:00"},
            {"email_cadence": None},
        )
    ]
    cleared = await client.patch(
        URL, headers=bearer(user), json={"quiet_hours_start": None, "quiet_hours_end": None}
    )

    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["email_cadence"], chosen.json()["quiet_hours_start"]) == (
        "weekly",
        "22:30",
    )
    assert chosen.json()["quiet_hours_end"] == "07:00"
    assert half.status_code == 422
    assert [answer.status_code for answer in wrong] == [422] * 4
    assert cleared.json()["quiet_hours_start"] is None
    [row] = await _rows(db, user.id)
    assert (row.email_cadence, row.quiet_hours_start, row.quiet_hours_end) == ("weekly", None, None)
