"""The settings service as other modules use it: defaults, typed reads, the value codec."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict
from lectern.models import ActivityLog, Setting, SettingGroup, SettingType, UserRole
from lectern.platform import policy, service, setting_values
from lectern.security.actor import Actor
from tests.factories import create_user
from tests.factories.platform import create_setting


async def test_ensure_defaults_adds_the_defaults_once_and_keeps_admin_values(
    session: AsyncSession,
) -> None:
    await create_setting(session, "site.name", "My School", is_public=True)

    added = await service.ensure_defaults(session)
    assert "site.name" not in added
    assert set(added) == {d.key for d in service.DEFAULTS} - {"site.name"}

    assert await service.get_value(session, "site.name", "?") == "My School"
    assert await service.get_value(session, "uploads.max_file_mb", 0) == 512
    assert await service.get_value(session, "registration.enabled", False) is True
    assert await service.get_value(session, "courses.review_required", False) is True
    assert await service.get_value(session, "currency.default", "") == "USD"
    assert await service.get_value(session, "site.support_email", "")
    assert await service.get_value(session, "site.logo", "none") == "none"

    assert await service.ensure_defaults(session) == []
    total = await session.scalar(select(func.count()).select_from(Setting))
    assert total == len(service.DEFAULTS)
    public = await service.public_values(session)
    assert public["site.name"] == "My School"
    assert "courses.review_required" not in public


def test_every_default_fits_its_type_and_key_format() -> None:
    for default in service.DEFAULTS:
        assert setting_values.is_valid_key(default.key), default.key
        setting_values.encode(default.value, default.type)


async def test_get_value_falls_back_to_the_default(session: AsyncSession) -> None:
    await create_setting(session, "site.logo", None, SettingType.FILE)
    session.add(Setting(key="bad.flag", value="perhaps", type=SettingType.BOOLEAN))
    await session.flush()
    assert await service.get_value(session, "no.such.key", 7) == 7
    assert await service.get_value(session, "site.logo", "logo.png") == "logo.png"
    assert await service.get_value(session, "bad.flag", False) is False
    assert await service.get_value(session, "no.such.key") is None


async def test_a_put_that_loses_a_race_is_a_conflict(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    await create_setting(session, "site.name", "Lectern")

    async def not_found(_session: AsyncSession, _key: str) -> None:
        return None  # as if another request inserted the key after our read

    monkeypatch.setattr(service, "find", not_found)
    with pytest.raises(Conflict):
        await service.put(
            session,
            "site.name",
            value="Other",
            type=SettingType.STRING,
            group=SettingGroup.GENERAL,
            description=None,
            is_public=False,
            actor=Actor(admin),
        )
    # Only the savepoint was rolled back: the unit of work goes on.
    assert await session.scalar(select(Setting.value).where(Setting.key == "site.name")) == (
        "Lectern"
    )
    assert await session.scalar(select(func.count()).select_from(ActivityLog)) == 0


@pytest.mark.parametrize(
    ("type_", "value", "text"),
    [
        (SettingType.STRING, "héllo", "héllo"),
        (SettingType.STRING, "", ""),
        (SettingType.FILE, "media/logo.png", "media/logo.png"),
        (SettingType.INTEGER, -42, "-42"),
        (SettingType.INTEGER, 2**63 - 1, str(2**63 - 1)),
        (SettingType.BOOLEAN, True, "true"),
        (SettingType.BOOLEAN, False, "false"),
        (SettingType.JSON, {"a": [1, 2.5, None, "é"]}, '{"a":[1,2.5,null,"é"]}'),
        (SettingType.JSON, "text", '"text"'),
        (SettingType.INTEGER, None, None),
    ],
)
def test_values_round_trip(type_: SettingType, value: Any, text: str | None) -> None:
    assert setting_values.encode(value, type_) == text
    assert setting_values.decode(text, type_) == value


@pytest.mark.parametrize(
    ("type_", "text", "value"),
    [
        (SettingType.BOOLEAN, "1", True),
        (SettingType.BOOLEAN, " Yes ", True),
        (SettingType.BOOLEAN, "off", False),
        (SettingType.INTEGER, " 12 ", 12),
    ],
)
def test_rows_written_around_the_api_are_read_leniently(
    type_: SettingType, text: str, value: Any
) -> None:
    assert setting_values.decode(text, type_) == value


@pytest.mark.parametrize(
    ("type_", "text"),
    [(SettingType.BOOLEAN, "maybe"), (SettingType.INTEGER, "1.5"), (SettingType.JSON, "{")],
)
def test_unreadable_text_is_an_error(type_: SettingType, text: str) -> None:
    with pytest.raises(setting_values.SettingValueError):
        setting_values.decode(text, type_)


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("payment.stripe_secret_key", True),
        ("email.smtp_password", True),
        ("payment.paypal.api_key", True),
        ("site.token", True),
        ("site.name", False),
        ("site.secretary_email", False),
        ("site.keyboard", False),
    ],
)
def test_secret_looking_keys(key: str, secret: bool) -> None:
    assert policy.is_secret_key(key) is secret
