"""Tags: the public list and pages, and the administrators' changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ActivityLog, CourseTag, Tag, User, UserRole
from tests.conftest import bearer
from tests.factories import create_course, create_user
from tests.factories.taxonomy import create_tag
from tests.queries import count_queries

URL = "/api/v1/tags"


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_user(db, role=UserRole.ADMIN)


async def tag(db: AsyncSession, slug: str) -> Tag:
    row = await db.scalar(
        select(Tag).where(Tag.slug == slug).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def count_tags(db: AsyncSession) -> int:
    return len(list(await db.scalars(select(Tag.id))))


async def events(db: AsyncSession) -> list[str | None]:
    rows = await db.scalars(select(ActivityLog.event).where(ActivityLog.log_name == "admin"))
    return list(rows)


# -- public ------------------------------------------------------------------------------------


async def test_the_public_lists_active_tags_by_name(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_tag(db, name="python", slug="python")
    await create_tag(db, name="JavaScript", slug="javascript", description="JS")
    await create_tag(db, name="Rust", slug="rust")
    await create_tag(db, name="Cobol", slug="cobol", is_active=False)

    response = await client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert [t["slug"] for t in body["items"]] == ["javascript", "python", "rust"]
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 20, "pages": 1}
    assert set(body["items"][0]) == {
        "slug",
        "name",
        "description",
        "is_active",
        "created_at",
        "updated_at",
    }

    page = (await client.get(URL, params={"per_page": 2, "page": 2, "sort": "-name"})).json()
    assert [t["slug"] for t in page["items"]] == ["javascript"]
    assert page["meta"]["pages"] == 2


async def test_tags_are_searchable(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await create_tag(db, name="Python", slug="python")
    await create_tag(db, name="CPython internals", slug="cpython")
    await create_tag(db, name="100% practical", slug="practical")
    await create_tag(db, name="100 days", slug="days")
    await create_tag(db, name="Pythonic", slug="pythonic", is_active=False)

    found = (await client.get(URL, params={"q": "pYtHoN"})).json()
    assert [t["slug"] for t in found["items"]] == ["cpython", "python"]
    # LIKE wildcards in q are literal characters.
    percent = (await client.get(URL, params={"q": "100%"})).json()
    assert [t["slug"] for t in percent["items"]] == ["practical"]
    assert (await client.get(URL, params={"q": "_"})).json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 101},
        {"sort": "id"},
        {"sort": "name; drop table tags"},
        {"per_page": 101},
        {"page": 0},
        {"include": "hidden"},
    ],
)
async def test_bad_list_parameters_are_refused(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    assert (await client.get(URL, params=params)).status_code == 422


async def test_the_tag_list_runs_a_fixed_number_of_queries(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_tag(db)
    with count_queries(app.state.engine) as small:
        await client.get(URL)
    for _ in range(15):
        await create_tag(db)
    with count_queries(app.state.engine) as large:
        response = await client.get(URL)
    assert response.json()["meta"]["total"] == 16
    assert len(large) == len(small) == 2


async def test_a_tag_page(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await create_tag(db, name="Python", slug="python", description="The language")
    await create_tag(db, name="Cobol", slug="cobol", is_active=False)

    response = await client.get(f"{URL}/python")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == (
        "Python",
        "The language",
    )
    assert (await client.get(f"{URL}/cobol")).status_code == 404
    assert (await client.get(f"{URL}/nothing")).status_code == 404


async def test_administrators_see_inactive_tags(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_tag(db, name="Cobol", slug="cobol", is_active=False)
    await create_tag(db, name="Python", slug="python")
    student = await create_user(db)

    assert (await client.get(URL, params={"include": "all"})).status_code == 401
    forbidden = await client.get(URL, params={"include": "all"}, headers=bearer(student))
    assert forbidden.status_code == 403
    listed = await client.get(URL, params={"include": "all"}, headers=bearer(admin))
    assert [(t["slug"], t["is_active"]) for t in listed.json()["items"]] == [
        ("cobol", False),
        ("python", True),
    ]
    one = await client.get(f"{URL}/cobol", params={"include": "all"}, headers=bearer(admin))
    assert one.status_code == 200


# -- admin -------------------------------------------------------------------------------------


async def test_an_admin_creates_tags_with_unique_slugs(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_tag(db, name="C", slug="c", is_active=False)

    created = await client.post(
        URL, json={"name": " C++ ", "description": "Systems"}, headers=bearer(admin)
    )
    assert created.status_code == 201
    assert (created.json()["slug"], created.json()["name"]) == ("c-2", "C++")
    assert created.json()["is_active"] is True
    explicit = await client.post(URL, json={"name": "Go", "slug": "golang"}, headers=bearer(admin))
    assert explicit.json()["slug"] == "golang"
    assert (await tag(db, "golang")).name == "Go"
    assert await events(db) == ["tag.created", "tag.created"]


async def test_duplicate_tags_are_conflicts(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_tag(db, name="Python", slug="python")
    await create_tag(db, name="Cobol", slug="cobol", is_active=False)
    before = await count_tags(db)

    for body in ({"name": "PYTHON"}, {"name": "cobol"}, {"name": "New", "slug": "python"}):
        response = await client.post(URL, json=body, headers=bearer(admin))
        assert response.status_code == 409, body
    assert await count_tags(db) == before
    assert await events(db) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": ["x"]},
        {"name": "x" * 256},
        {"name": "a\u0000b"},
        {"name": "X", "slug": "Bad Slug"},
        {"name": "X", "description": "d" * 5001},
        {"name": "X", "is_active": False},
        {"name": "X", "id": 1},
    ],
)
async def test_bad_tag_bodies_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    before = await count_tags(db)
    response = await client.post(URL, json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert await count_tags(db) == before


async def test_only_administrators_change_tags(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await create_tag(db, name="Python", slug="python")
    await create_tag(db, name="Cobol", slug="cobol", is_active=False)
    instructor = await create_user(db, role=UserRole.INSTRUCTOR)
    before = await count_tags(db)

    calls = [
        ("POST", URL, {"name": "New"}),
        ("PATCH", f"{URL}/python", {"name": "Renamed"}),
        ("DELETE", f"{URL}/python", None),
        ("POST", f"{URL}/cobol/restore", None),
    ]
    for method, url, body in calls:
        assert (await client.request(method, url, json=body)).status_code == 401
        refused = await client.request(method, url, json=body, headers=bearer(instructor))
        assert refused.status_code == 403, (method, url)
    assert ((await tag(db, "python")).name, (await tag(db, "python")).is_active) == (
        "Python",
        True,
    )
    assert (await tag(db, "cobol")).is_active is False
    assert await count_tags(db) == before


async def test_updating_a_tag(client: httpx.AsyncClient, db: AsyncSession, admin: User) -> None:
    await create_tag(db, name="Pyhton", slug="pyhton", description="typo")
    await create_tag(db, name="Rust", slug="rust")

    fixed = await client.patch(
        f"{URL}/pyhton", json={"name": "Python", "description": None}, headers=bearer(admin)
    )
    assert fixed.status_code == 200
    assert (fixed.json()["slug"], fixed.json()["description"]) == ("pyhton", None)
    reslugged = await client.patch(f"{URL}/pyhton", json={"slug": "python"}, headers=bearer(admin))
    assert reslugged.json()["slug"] == "python"
    row = await tag(db, "python")
    assert (row.name, row.description) == ("Python", None)

    duplicate = await client.patch(f"{URL}/python", json={"name": "rust"}, headers=bearer(admin))
    taken = await client.patch(f"{URL}/python", json={"slug": "rust"}, headers=bearer(admin))
    assert (duplicate.status_code, taken.status_code) == (409, 409)
    missing = await client.patch(f"{URL}/nothing", json={"name": "X"}, headers=bearer(admin))
    assert missing.status_code == 404
    assert (await tag(db, "python")).name == "Python"
    assert await events(db) == ["tag.updated", "tag.updated"]


@pytest.mark.parametrize(
    "body",
    [{"name": None}, {"slug": None}, {"slug": "UPPER"}, {"is_active": False}, {"name": "\u0000"}],
)
async def test_bad_tag_updates_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    await create_tag(db, name="Python", slug="python")
    response = await client.patch(f"{URL}/python", json=body, headers=bearer(admin))
    assert response.status_code == 422
    row = await tag(db, "python")
    assert (row.name, row.slug, row.is_active) == ("Python", "python", True)


async def test_deleting_a_tag_deactivates_it_and_keeps_its_courses(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    python = await create_tag(db, name="Python", slug="python")
    course = await create_course(db)
    db.add(CourseTag(course_id=course.id, tag_id=python.id))
    await db.flush()

    deleted = await client.delete(f"{URL}/python", headers=bearer(admin))
    assert deleted.status_code == 204
    assert (await tag(db, "python")).is_active is False
    assert (await client.get(f"{URL}/python")).status_code == 404
    assert (await client.get(URL)).json()["items"] == []
    assert (await client.delete(f"{URL}/python", headers=bearer(admin))).status_code == 409

    restored = await client.post(f"{URL}/python/restore", headers=bearer(admin))
    assert (restored.status_code, restored.json()["is_active"]) == (200, True)
    assert (await client.get(f"{URL}/python")).status_code == 200
    assert (await client.post(f"{URL}/python/restore", headers=bearer(admin))).status_code == 409
    links = await db.scalars(select(CourseTag.course_id).where(CourseTag.tag_id == python.id))
    assert list(links) == [course.id]
    assert await events(db) == ["tag.deleted", "tag.restored"]
    assert (await client.delete(f"{URL}/nothing", headers=bearer(admin))).status_code == 404
