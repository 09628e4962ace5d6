"""The activity log through HTTP: admins only, filters, newest first, fixed query count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import User, UserRole
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.platform import create_activity

URL = "/api/v1/activity-logs"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def keys(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["description"] for item in response.json()["items"]]


@contextmanager
def count_queries(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_admins_read_the_log_newest_first_with_the_causer(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    actor = await create_user(db, name="Grace", email="grace@example.test")
    await create_activity(db, actor, description="old", created_at=T0)
    await create_activity(
        db,
        actor,
        description="new",
        created_at=T0 + timedelta(hours=1),
        subject_type="users",
        subject_id=actor.id,
        properties={"k": "v"},
        ip_address="203.0.113.9",
        user_agent="curl",
    )
    await create_activity(db, None, description="anonymous", created_at=T0 - timedelta(days=1))

    response = await client.get(URL, headers=bearer(admin))
    assert keys(response) == ["new", "old", "anonymous"]
    body = response.json()
    assert body["meta"]["total"] == 3
    newest = body["items"][0]
    assert newest["causer"] == {
        "uuid": str(actor.uuid),
        "name": "Grace",
        "email": "grace@example.test",
    }
    assert newest["causer_type"] == "user"
    assert (newest["subject_type"], newest["subject_id"]) == ("users", actor.id)
    assert newest["properties"] == {"k": "v"}
    assert (newest["ip_address"], newest["user_agent"]) == ("203.0.113.9", "curl")
    assert newest["log_name"] == "admin"
    assert body["items"][2]["causer"] is None
    assert "password_hash" not in response.text


async def test_the_log_is_for_admins_only(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    instructor = await create_user(db, role=UserRole.INSTRUCTOR)
    await create_activity(db, student)
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(URL, headers=bearer(student))).status_code == 403
    assert (await client.get(URL, headers=bearer(instructor))).status_code == 403


async def test_filters(client: httpx.AsyncClient, db: AsyncSession, admin: User) -> None:
    alice = await create_user(db)
    bob = await create_user(db)
    await create_activity(
        db, alice, description="a-login", log_name="auth", event="login", created_at=T0
    )
    await create_activity(
        db,
        bob,
        description="b-setting",
        event="setting_updated",
        subject_type="settings",
        subject_id=7,
        created_at=T0 + timedelta(days=1),
    )
    await create_activity(
        db,
        alice,
        description="a-user",
        event="user_suspended",
        subject_type="users",
        subject_id=7,
        created_at=T0 + timedelta(days=2),
    )
    headers = bearer(admin)

    async def get(**params: Any) -> list[str]:
        return keys(await client.get(URL, params=params, headers=headers))

    assert await get(log_name="auth") == ["a-login"]
    assert await get(log_name="admin") == ["a-user", "b-setting"]
    assert await get(event="setting_updated") == ["b-setting"]
    assert await get(user=str(alice.uuid)) == ["a-user", "a-login"]
    assert await get(user=str(bob.uuid), log_name="auth") == []
    assert await get(user="00000000-0000-0000-0000-000000000000") == []
    assert await get(subject_type="settings") == ["b-setting"]
    assert await get(subject_type="users", subject_id=7) == ["a-user"]
    assert await get(subject_type="users", subject_id=8) == []
    day1 = (T0 + timedelta(days=1)).isoformat()
    assert await get(**{"from": day1}) == ["a-user", "b-setting"]
    assert await get(to=day1) == ["b-setting", "a-login"]
    assert await get(**{"from": day1, "to": day1}) == ["b-setting"]
    # A naive time is UTC; other offsets are converted.
    assert await get(to="2025-03-01T12:00:00") == ["a-login"]
    assert await get(to="2025-03-01T13:59:59+02:00") == []
    assert await get(to="2025-03-01T14:00:00+02:00") == ["a-login"]


async def test_pagination(client: httpx.AsyncClient, db: AsyncSession, admin: User) -> None:
    for n in range(5):
        await create_activity(db, admin, description=f"e{n}", created_at=T0 + timedelta(minutes=n))
    response = await client.get(URL, params={"per_page": 2, "page": 2}, headers=bearer(admin))
    assert keys(response) == ["e2", "e1"]
    assert response.json()["meta"] == {"total": 5, "page": 2, "per_page": 2, "pages": 3}


@pytest.mark.parametrize(
    "params",
    [
        {"user": "not-a-uuid"},
        {"from": "yesterday"},
        {"to": "2025-13-01T00:00:00Z"},
        {"from": "2025-03-02T00:00:00Z", "to": "2025-03-01T00:00:00Z"},
        {"subject_id": 3},
        {"subject_type": "users", "subject_id": 0},
        {"subject_type": "users", "subject_id": "x"},
        {"log_name": "x" * 101},
        {"event": "bad event"},
        {"per_page": 101},
        {"page": 0},
    ],
)
async def test_bad_filters_are_refused(
    client: httpx.AsyncClient, admin: User, params: dict[str, Any]
) -> None:
    response = await client.get(URL, params=params, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_nul_in_a_filter_is_refused(client: httpx.AsyncClient, admin: User) -> None:
    response = await client.get(f"{URL}?log_name=a%00b", headers=bearer(admin))
    assert response.status_code in (400, 422), response.text


async def test_a_page_takes_the_same_number_of_queries_whatever_its_size(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_activity(db, await create_user(db))
    with count_queries(app) as few:
        assert len(keys(await client.get(URL, headers=bearer(admin)))) == 1

    for _ in range(15):
        await create_activity(db, await create_user(db))
    with count_queries(app) as many:
        assert len(keys(await client.get(URL, headers=bearer(admin)))) == 16

    assert len(many) == len(few)
    # The signed-in admin, the count and the page (with the causers joined), in savepoints.
    assert len([s for s in few if "SAVEPOINT" not in s]) == 3
