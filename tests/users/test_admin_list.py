"""Admins list, search, filter and sort accounts, and read one with its whole profile."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import User, UserRole, UserStatus
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.users import create_admin, create_profile
from tests.users.conftest import QueryCounter

URL = "/api/v1/users"
SECRET_KEYS = {"password_hash", "two_factor_secret", "two_factor_recovery_codes", "id"}


async def _list(client: httpx.AsyncClient, admin: User, **params: str | int) -> list[str]:
    response = await client.get(URL, headers=bearer(admin), params={"per_page": 100, **params})
    assert response.status_code == 200, response.text
    return [item["username"] for item in response.json()["items"]]


async def test_non_admins_get_403_and_anonymous_401(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    target = await create_user(db)
    for role in (UserRole.STUDENT, UserRole.INSTRUCTOR):
        user = await create_user(db, role=role)
        assert (await client.get(URL, headers=bearer(user))).status_code == 403
        response = await client.get(f"{URL}/{target.uuid}", headers=bearer(user))
        assert response.status_code == 403
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(f"{URL}/{target.uuid}")).status_code == 401


async def test_search_matches_name_email_and_username(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db, username="root_admin", name="Root", email="root@ex.test")
    await create_user(db, username="zeta_one", name="Grace Hopper", email="gh@navy.test")
    await create_user(db, username="zeta_two", name="Alan", email="turing@hopper-labs.test")
    await create_user(db, username="hopperfan", name="Fan", email="fan@ex.test")
    await create_user(db, username="other", name="Other", email="other@ex.test")
    assert sorted(await _list(client, admin, q="HOPPER")) == ["hopperfan", "zeta_one", "zeta_two"]
    assert await _list(client, admin, q="gh@navy") == ["zeta_one"]


async def test_search_treats_like_wildcards_literally(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    await create_user(db, username="under_score")
    await create_user(db, username="underxscore")
    await create_user(db, username="pct100", name="100% sure")
    assert await _list(client, admin, q="under_") == ["under_score"]
    assert await _list(client, admin, q="%") == ["pct100"]


async def test_filters_role_status_verified_and_deleted(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db, username="the_admin", email_verified_at=None)
    await create_user(db, username="teach", role=UserRole.INSTRUCTOR, email_verified_at=utcnow())
    await create_user(db, username="susp", status=UserStatus.SUSPENDED, email_verified_at=None)
    await create_user(db, username="gone", deleted_at=utcnow(), email_verified_at=None)
    await create_user(db, username="plain", email_verified_at=None)

    assert await _list(client, admin, role="instructor") == ["teach"]
    assert await _list(client, admin, status="suspended") == ["susp"]
    assert await _list(client, admin, verified="true") == ["teach"]
    unverified = await _list(client, admin, verified="false")
    assert "teach" not in unverified
    assert {"susp", "plain"} <= set(unverified)
    assert "gone" not in await _list(client, admin)
    assert await _list(client, admin, deleted="only") == ["gone"]
    assert "gone" in await _list(client, admin, deleted="include")


async def test_sorting(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await create_admin(db, username="aaa_admin", name="Zed Admin")
    now = utcnow()
    await create_user(db, username="s_b", name="Bea", last_login_at=now - timedelta(days=1))
    await create_user(db, username="s_a", name="Abe", last_login_at=now)
    await create_user(db, username="s_c", name="Cid")
    names = {"q": "s_"}
    assert await _list(client, admin, sort="name", **names) == ["s_a", "s_b", "s_c"]
    assert await _list(client, admin, sort="-name", **names) == ["s_c", "s_b", "s_a"]
    assert await _list(client, admin, sort="username", **names) == ["s_a", "s_b", "s_c"]
    # Never-signed-in accounts come last both ways, on both databases.
    assert await _list(client, admin, sort="-last_login_at", **names) == ["s_a", "s_b", "s_c"]
    assert await _list(client, admin, sort="last_login_at", **names) == ["s_b", "s_a", "s_c"]
    # Default: newest first.
    assert await _list(client, admin, **names) == ["s_c", "s_a", "s_b"]


async def test_pagination_meta(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await create_admin(db)
    for n in range(5):
        await create_user(db, username=f"paged{n}")
    response = await client.get(
        URL, headers=bearer(admin), params={"q": "paged", "per_page": 2, "page": 3}
    )
    body = response.json()
    assert body["meta"] == {"total": 5, "page": 3, "per_page": 2, "pages": 3}
    assert len(body["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password_hash"},
        {"sort": "id; drop table users"},
        {"role": "superuser"},
        {"status": "happy"},
        {"verified": "maybe"},
        {"deleted": "all"},
        {"q": "x" * 101},
        {"q": ""},
        {"per_page": 101},
        {"page": 0},
    ],
)
async def test_bad_list_parameters_are_422(
    client: httpx.AsyncClient, db: AsyncSession, params: dict[str, str | int]
) -> None:
    admin = await create_admin(db)
    response = await client.get(URL, headers=bearer(admin), params=params)
    assert response.status_code == 422


async def test_the_list_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, db: AsyncSession, queries: QueryCounter
) -> None:
    admin = await create_admin(db)
    for n in range(3):
        await create_user(db, username=f"countme{n}")
    queries.reset()
    await _list(client, admin, q="countme")
    few = queries.count
    for n in range(3, 15):
        await create_user(db, username=f"countme{n}")
    queries.reset()
    assert len(await _list(client, admin, q="countme")) == 15
    assert queries.count == few <= 3  # the caller, the count, the page


async def test_list_items_carry_no_secrets(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await create_admin(db)
    await create_user(db, username="secretive", two_factor_secret="JBSWY3DPEHPK3PXP")
    response = await client.get(URL, headers=bearer(admin), params={"q": "secretive"})
    item = response.json()["items"][0]
    assert not SECRET_KEYS & item.keys()
    assert "JBSWY3DPEHPK3PXP" not in response.text
    assert "$argon2" not in response.text


async def test_an_admin_reads_one_account_with_its_private_profile(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    user = await create_user(db, deleted_at=utcnow(), last_login_ip="203.0.113.9")
    await create_profile(db, user, first_name="Private", learning_goals=["goal"])
    response = await client.get(f"{URL}/{user.uuid}", headers=bearer(admin))
    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(user.uuid)
    assert body["deleted_at"] is not None
    assert body["last_login_ip"] == "203.0.113.9"
    assert body["profile"]["first_name"] == "Private"
    assert body["profile"]["learning_goals"] == ["goal"]
    assert not SECRET_KEYS & body.keys()


async def test_an_unknown_account_is_404(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await create_admin(db)
    response = await client.get(f"{URL}/{uuid.uuid4()}", headers=bearer(admin))
    assert response.status_code == 404
