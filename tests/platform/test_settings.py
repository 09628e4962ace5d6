"""Settings through HTTP: the public subset, admin reads and writes, typed values."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, Setting, SettingGroup, SettingType, User
from tests.conftest import bearer
from tests.factories.platform import create_setting

URL = "/api/v1/settings"


async def stored(db: AsyncSession, key: str) -> Setting | None:
    row: Setting | None = await db.scalar(
        select(Setting).where(Setting.key == key).execution_options(populate_existing=True)
    )
    return row


async def log_entries(db: AsyncSession) -> list[ActivityLog]:
    rows = await db.scalars(
        select(ActivityLog)
        .where(ActivityLog.event == "setting_updated")
        .order_by(ActivityLog.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def count_logs(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(ActivityLog)) or 0)


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


# -- public ------------------------------------------------------------------------------


async def test_anyone_reads_the_public_settings_typed(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    await create_setting(db, "site.name", "Lectern", is_public=True)
    await create_setting(db, "uploads.max_file_mb", 512, SettingType.INTEGER, is_public=True)
    await create_setting(db, "registration.enabled", True, SettingType.BOOLEAN, is_public=True)
    await create_setting(db, "seo.links", {"x": [1, "a"]}, SettingType.JSON, is_public=True)
    await create_setting(db, "site.logo", None, SettingType.FILE, is_public=True)
    await create_setting(db, "payment.stripe_secret_key", "sk_live", is_public=False)

    expected = {
        "site.name": "Lectern",
        "uploads.max_file_mb": 512,
        "registration.enabled": True,
        "seo.links": {"x": [1, "a"]},
        "site.logo": None,
    }
    anonymous = await client.get(f"{URL}/public")
    assert anonymous.status_code == 200
    assert anonymous.json() == expected
    assert anonymous.headers["cache-control"] == "public, max-age=60"

    signed_in = await client.get(f"{URL}/public", headers=bearer(student))
    assert signed_in.json() == expected


async def test_a_stored_value_that_does_not_fit_is_left_out_of_the_public_map(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    db.add(Setting(key="bad.number", value="many", type=SettingType.INTEGER, is_public=True))
    await create_setting(db, "site.name", "Lectern", is_public=True)
    await db.flush()
    response = await client.get(f"{URL}/public")
    assert response.json() == {"site.name": "Lectern"}


# -- admin reads --------------------------------------------------------------------------


async def test_admins_list_all_settings_by_key_and_filter_by_group(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(db, "b.mail", "x", group=SettingGroup.EMAIL)
    await create_setting(db, "a.secret", "y", is_public=False)
    await create_setting(db, "c.flag", False, SettingType.BOOLEAN, is_public=True)

    response = await client.get(URL, headers=bearer(admin))
    assert response.status_code == 200
    body = response.json()
    assert [item["key"] for item in body["items"]] == ["a.secret", "b.mail", "c.flag"]
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 20, "pages": 1}
    flag = body["items"][2]
    assert flag["value"] is False
    assert flag["type"] == "boolean"
    assert flag["is_public"] is True
    assert "id" not in flag

    emails = await client.get(URL, params={"group": "email"}, headers=bearer(admin))
    assert [item["key"] for item in emails.json()["items"]] == ["b.mail"]

    public = await client.get(URL, params={"is_public": "true"}, headers=bearer(admin))
    assert [item["key"] for item in public.json()["items"]] == ["c.flag"]

    paged = await client.get(URL, params={"per_page": 2, "page": 2}, headers=bearer(admin))
    assert [item["key"] for item in paged.json()["items"]] == ["c.flag"]
    assert paged.json()["meta"]["pages"] == 2


async def test_listing_refuses_an_unknown_group(client: httpx.AsyncClient, admin: User) -> None:
    response = await client.get(URL, params={"group": "secrets"}, headers=bearer(admin))
    assert_problem(response, 422)


async def test_admins_read_one_setting(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(
        db, "uploads.max_file_mb", 256, SettingType.INTEGER, description="Largest upload"
    )
    response = await client.get(f"{URL}/uploads.max_file_mb", headers=bearer(admin))
    assert response.status_code == 200
    body = response.json()
    assert body["value"] == 256
    assert body["description"] == "Largest upload"
    assert body["group"] == "general"

    missing = await client.get(f"{URL}/no.such.key", headers=bearer(admin))
    assert_problem(missing, 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", URL, None),
        ("GET", f"{URL}/site.name", None),
        ("PUT", f"{URL}/site.name", {"value": "Hacked", "type": "string"}),
        ("PATCH", f"{URL}/site.name", {"value": "Hacked"}),
        ("DELETE", f"{URL}/site.name", None),
    ],
)
async def test_only_admins_reach_the_settings(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    await create_setting(db, "site.name", "Lectern", is_public=True)

    anonymous = await client.request(method, path, json=body)
    assert_problem(anonymous, 401)
    forbidden = await client.request(method, path, json=body, headers=bearer(student))
    assert_problem(forbidden, 403)

    setting = await stored(db, "site.name")
    assert setting is not None
    assert setting.value == "Lectern"
    assert await count_logs(db) == 0


# -- PUT ------------------------------------------------------------------------------------


async def test_put_creates_a_typed_setting_and_logs_it(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    response = await client.put(
        f"{URL}/uploads.max_file_mb",
        json={
            "value": 1024,
            "type": "integer",
            "group": "general",
            "description": "Largest upload, MB",
            "is_public": True,
        },
        headers={**bearer(admin), "User-Agent": "admin-console"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["key"] == "uploads.max_file_mb"
    assert body["value"] == 1024
    assert body["is_public"] is True

    setting = await stored(db, "uploads.max_file_mb")
    assert setting is not None
    assert (setting.value, setting.type) == ("1024", SettingType.INTEGER)

    [entry] = await log_entries(db)
    assert entry.log_name == "admin"
    assert entry.causer_id == admin.id
    assert entry.user_id == admin.id
    assert (entry.subject_type, entry.subject_id) == ("settings", setting.id)
    assert entry.user_agent == "admin-console"
    assert entry.properties is not None
    assert entry.properties["action"] == "created"
    assert entry.properties["new"]["value"] == 1024
    assert entry.properties["old"] is None


async def test_put_replaces_every_field(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(
        db,
        "courses.review_required",
        "yes",
        group=SettingGroup.SEO,
        description="old",
        is_public=True,
    )
    response = await client.put(
        f"{URL}/courses.review_required",
        json={"value": False, "type": "boolean"},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["value"] is False
    assert (body["group"], body["description"], body["is_public"]) == ("general", None, False)

    setting = await stored(db, "courses.review_required")
    assert setting is not None
    assert (setting.value, setting.type) == ("false", SettingType.BOOLEAN)

    [entry] = await log_entries(db)
    assert entry.properties is not None
    assert entry.properties["action"] == "replaced"
    assert entry.properties["old"] == {
        "value": "yes",
        "type": "string",
        "group": "seo",
        "description": "old",
        "is_public": True,
    }
    assert entry.properties["new"]["value"] is False


async def test_a_put_that_changes_nothing_writes_no_log_entry(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    body = {"value": "Lectern", "type": "string", "is_public": True}
    first = await client.put(f"{URL}/site.name", json=body, headers=bearer(admin))
    assert first.status_code == 201
    again = await client.put(f"{URL}/site.name", json=body, headers=bearer(admin))
    assert again.status_code == 200
    assert len(await log_entries(db)) == 1


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("integer", "5"),
        ("integer", True),
        ("integer", 1.5),
        ("integer", 2**63),
        ("integer", [1]),
        ("boolean", "true"),
        ("boolean", 1),
        ("boolean", {}),
        ("string", 5),
        ("string", False),
        ("string", ["a"]),
        ("string", "x" * 65_536),
        ("file", {"path": "a.png"}),
        ("file", "x" * 2_049),
        ("json", {"deep": "x" * 65_536}),
    ],
)
async def test_put_refuses_a_value_that_does_not_fit_the_type(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, type_: str, value: Any
) -> None:
    await create_setting(db, "site.thing", "before")
    response = await client.put(
        f"{URL}/site.thing", json={"value": value, "type": type_}, headers=bearer(admin)
    )
    assert_problem(response, 422)
    assert response.json()["errors"][0]["loc"] == ["body", "value"]

    setting = await stored(db, "site.thing")
    assert setting is not None
    assert (setting.value, setting.type) == ("before", SettingType.STRING)
    assert await count_logs(db) == 0


async def test_put_refuses_nan_in_a_json_value(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    response = await client.put(
        f"{URL}/seo.data",
        content=b'{"value": {"x": NaN}, "type": "json"}',
        headers={**bearer(admin), "Content-Type": "application/json"},
    )
    assert_problem(response, 422)
    assert await stored(db, "seo.data") is None


@pytest.mark.parametrize(
    "body",
    [
        {"type": "string"},  # no value
        {"value": "x"},  # no type
        {"value": "x", "type": "text"},
        {"value": "x", "type": "string", "group": "secrets"},
        {"value": "x", "type": "string", "is_public": "maybe"},
        {"value": "x", "type": "string", "key": "other.key"},
        {"value": "x", "type": "string", "id": 1},
        {"value": "x", "type": "string", "created_at": "2020-01-01T00:00:00Z"},
        {"value": "x", "type": "string", "description": "d" * 1_001},
        {"value": "a\u0000b", "type": "string"},
        {"value": {"nested": ["ok", "a\u0000b"]}, "type": "json"},
        {"value": {"a\u0000": 1}, "type": "json"},
        {"value": "x", "type": "string", "description": "a\u0000b"},
    ],
)
async def test_put_refuses_bad_bodies(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    response = await client.put(f"{URL}/site.thing", json=body, headers=bearer(admin))
    assert_problem(response, 422)
    assert await stored(db, "site.thing") is None
    assert await count_logs(db) == 0


@pytest.mark.parametrize(
    "key",
    ["Site.Name", "site..name", "site.", ".site", "1site", "site-name", "site name", "a" * 101],
)
async def test_put_refuses_malformed_keys(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, key: str
) -> None:
    response = await client.put(
        f"{URL}/{key}", json={"value": "x", "type": "string"}, headers=bearer(admin)
    )
    assert_problem(response, 422)
    assert await db.scalar(select(func.count()).select_from(Setting)) == 0


async def test_put_accepts_the_longest_key_and_underscores(
    client: httpx.AsyncClient, admin: User
) -> None:
    key = "site.max_" + "a" * 91
    assert len(key) == 100
    response = await client.put(
        f"{URL}/{key}", json={"value": "x", "type": "string"}, headers=bearer(admin)
    )
    assert response.status_code == 201


async def test_put_refuses_the_reserved_key_public(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    response = await client.put(
        f"{URL}/public", json={"value": "x", "type": "string"}, headers=bearer(admin)
    )
    assert_problem(response, 422)
    assert await stored(db, "public") is None


async def test_put_takes_null_as_no_value(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    response = await client.put(
        f"{URL}/site.logo", json={"value": None, "type": "file"}, headers=bearer(admin)
    )
    assert response.status_code == 201
    assert response.json()["value"] is None
    setting = await stored(db, "site.logo")
    assert setting is not None
    assert setting.value is None


# -- PATCH ------------------------------------------------------------------------------------


async def test_patch_changes_the_value_only(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(
        db, "uploads.max_file_mb", 512, SettingType.INTEGER, description="MB", is_public=True
    )
    response = await client.patch(
        f"{URL}/uploads.max_file_mb", json={"value": 64}, headers=bearer(admin)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["value"] == 64
    assert (body["type"], body["description"], body["is_public"]) == ("integer", "MB", True)

    setting = await stored(db, "uploads.max_file_mb")
    assert setting is not None
    assert setting.value == "64"

    [entry] = await log_entries(db)
    assert entry.causer_id == admin.id
    assert entry.properties == {
        "key": "uploads.max_file_mb",
        "action": "updated",
        "old": {"value": 512},
        "new": {"value": 64},
    }


async def test_patch_changes_other_fields(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(db, "site.tagline", "Learn", description="old")
    response = await client.patch(
        f"{URL}/site.tagline",
        json={"description": None, "is_public": True, "group": "seo"},
        headers=bearer(admin),
    )
    assert response.status_code == 200
    setting = await stored(db, "site.tagline")
    assert setting is not None
    assert (setting.value, setting.description, setting.is_public, setting.group) == (
        "Learn",
        None,
        True,
        SettingGroup.SEO,
    )


async def test_patch_checks_the_value_against_the_new_type(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(db, "site.mode", "5")

    # The current value "5" is a string, not an integer.
    refused = await client.patch(
        f"{URL}/site.mode", json={"type": "integer"}, headers=bearer(admin)
    )
    assert_problem(refused, 422)
    refused = await client.patch(
        f"{URL}/site.mode", json={"type": "integer", "value": "5"}, headers=bearer(admin)
    )
    assert_problem(refused, 422)
    setting = await stored(db, "site.mode")
    assert setting is not None
    assert (setting.value, setting.type) == ("5", SettingType.STRING)

    with_value = await client.patch(
        f"{URL}/site.mode", json={"type": "integer", "value": 5}, headers=bearer(admin)
    )
    assert with_value.status_code == 200
    assert with_value.json()["value"] == 5

    # Any value is a JSON document: the type alone may change.
    to_json = await client.patch(f"{URL}/site.mode", json={"type": "json"}, headers=bearer(admin))
    assert to_json.status_code == 200
    assert to_json.json()["value"] == 5
    assert len(await log_entries(db)) == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"value": "yes"},
        {"value": 1},
        {"type": None},
        {"is_public": None},
        {"group": None},
        {"type": "text"},
        {"key": "other.key"},
        {"value": True, "role": "admin"},
        {"description": "d" * 1_001},
        {"description": "a\u0000b"},
    ],
)
async def test_patch_refuses_bad_bodies(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    await create_setting(db, "registration.enabled", True, SettingType.BOOLEAN, description="d")
    response = await client.patch(f"{URL}/registration.enabled", json=body, headers=bearer(admin))
    assert_problem(response, 422)
    setting = await stored(db, "registration.enabled")
    assert setting is not None
    assert (setting.value, setting.type, setting.description) == ("true", "boolean", "d")
    assert await count_logs(db) == 0


async def test_patch_of_a_missing_setting_is_a_404(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    response = await client.patch(f"{URL}/no.such", json={"value": "x"}, headers=bearer(admin))
    assert_problem(response, 404)
    assert await stored(db, "no.such") is None


# -- DELETE ---------------------------------------------------------------------------------


async def test_delete_removes_the_setting_and_logs_it(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    setting = await create_setting(db, "site.name", "Lectern", is_public=True)
    setting_id = setting.id
    response = await client.delete(f"{URL}/site.name", headers=bearer(admin))
    assert response.status_code == 204
    assert response.content == b""
    assert await stored(db, "site.name") is None

    [entry] = await log_entries(db)
    assert (entry.subject_type, entry.subject_id) == ("settings", setting_id)
    assert entry.properties is not None
    assert entry.properties["action"] == "deleted"
    assert entry.properties["old"]["value"] == "Lectern"
    assert entry.properties["new"] is None

    again = await client.delete(f"{URL}/site.name", headers=bearer(admin))
    assert_problem(again, 404)


async def test_a_nul_in_a_key_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_setting(db, "site.name", "Lectern")
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = await client.request(
            method,
            f"{URL}/site%00name",
            json={"value": "x", "type": "string"},
            headers=bearer(admin),
        )
        assert response.status_code in (400, 422), response.text
    assert [s.key for s in await db.scalars(select(Setting))] == ["site.name"]


# -- secrets ---------------------------------------------------------------------------------


async def test_secret_values_are_not_copied_into_the_log(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await client.put(
        f"{URL}/payment.stripe_secret_key",
        json={"value": "sk_live_1", "type": "string", "group": "payment"},
        headers=bearer(admin),
    )
    await client.patch(
        f"{URL}/payment.stripe_secret_key", json={"value": "sk_live_2"}, headers=bearer(admin)
    )
    created, updated = await log_entries(db)
    assert created.properties is not None
    assert updated.properties is not None
    assert created.properties["new"]["value"] == "[redacted]"
    assert updated.properties["old"] == {"value": "[redacted]"}
    assert "sk_live" not in str(created.properties) + str(updated.properties)
