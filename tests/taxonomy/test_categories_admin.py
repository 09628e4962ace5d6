"""Administrators create, edit, move, reorder, delete and restore categories."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import ActivityLog, Category, User, UserRole
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.taxonomy import create_category

URL = "/api/v1/categories"


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_user(db, role=UserRole.ADMIN)


async def category(db: AsyncSession, slug: str) -> Category:
    row = await db.scalar(
        select(Category).where(Category.slug == slug).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def logged(db: AsyncSession, event: str) -> list[ActivityLog]:
    return list(await db.scalars(select(ActivityLog).where(ActivityLog.event == event)))


async def count_categories(db: AsyncSession) -> int:
    return len(list(await db.scalars(select(Category.id))))


# -- create ------------------------------------------------------------------------------------


async def test_an_admin_creates_a_category(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    body = {
        "name": "  Web Development ",
        "description": "Sites and apps",
        "icon": "fa-solid fa-code",
        "image": "https://cdn.example.test/web.png",
        "color": "#1e90ff",
        "is_featured": True,
        "meta": {"seo": {"title": "Web"}},
    }
    response = await client.post(URL, json=body, headers=bearer(admin))

    assert response.status_code == 201
    created = response.json()
    assert created["slug"] == "web-development"
    assert created["name"] == "Web Development"
    assert (created["parent"], created["is_active"], created["is_featured"]) == (None, True, True)
    assert (created["course_count"], created["children"], created["order"]) == (0, [], 0)
    assert created["meta"] == {"seo": {"title": "Web"}}
    row = await category(db, "web-development")
    assert row.color == "#1e90ff"
    [entry] = await logged(db, "category.created")
    assert (entry.log_name, entry.causer_id, entry.subject_id) == ("admin", admin.id, row.id)
    assert entry.subject_type == "categories"


async def test_a_new_category_goes_after_its_siblings(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, name="Development", slug="development")
    await create_category(db, dev, order=4)
    await create_category(db, dev, order=7, deleted_at=utcnow())

    response = await client.post(
        URL, json={"name": "Web", "parent": "development"}, headers=bearer(admin)
    )
    assert response.status_code == 201
    assert (response.json()["parent"], response.json()["order"]) == ("development", 5)
    row = await category(db, "web")
    assert row.parent_id == dev.id

    given = await client.post(URL, json={"name": "First", "order": 0}, headers=bearer(admin))
    assert given.json()["order"] == 0


async def test_slugs_are_unique_even_against_deleted_categories(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="Old", slug="design", deleted_at=utcnow())
    await create_category(db, name="Old 2", slug="design-2")
    await create_category(db, slug="development")

    first = await client.post(URL, json={"name": "Design"}, headers=bearer(admin))
    # Another "Design" under another parent is allowed, with the next free slug.
    second = await client.post(
        URL, json={"name": "Design", "parent": "development"}, headers=bearer(admin)
    )
    assert (first.json()["slug"], second.json()["slug"]) == ("design-3", "design-4")


async def test_an_explicit_slug_is_validated_and_must_be_free(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, slug="taken", deleted_at=utcnow())
    before = await count_categories(db)

    ok = await client.post(URL, json={"name": "X", "slug": "my-x-2"}, headers=bearer(admin))
    assert (ok.status_code, ok.json()["slug"]) == (201, "my-x-2")
    taken = await client.post(URL, json={"name": "Y", "slug": "taken"}, headers=bearer(admin))
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/slug_taken")
    for bad in ("Upper", "has space", "under_score", "-lead", "trail-", "a--b", "é"):
        response = await client.post(URL, json={"name": "Z", "slug": bad}, headers=bearer(admin))
        assert response.status_code == 422, bad
    assert await count_categories(db) == before + 1


async def test_a_sibling_with_the_same_name_is_a_conflict(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, name="Development", slug="development")
    await create_category(db, dev, name="Web", slug="web")
    await create_category(db, name="Deleted", slug="deleted", deleted_at=utcnow())
    before = await count_categories(db)

    top = await client.post(URL, json={"name": "DEVELOPMENT"}, headers=bearer(admin))
    child = await client.post(
        URL, json={"name": "web", "parent": "development"}, headers=bearer(admin)
    )
    assert (top.status_code, child.status_code) == (409, 409)
    assert await count_categories(db) == before
    # A deleted category's name is free again (its slug is not).
    again = await client.post(URL, json={"name": "Deleted"}, headers=bearer(admin))
    assert (again.status_code, again.json()["slug"]) == (201, "deleted-2")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": 5},
        {"name": "x" * 256},
        {"name": "nul\u0000"},
        {"name": "X", "description": "d" * 5001},
        {"name": "X", "is_featured": "maybe"},
        {"name": "X", "order": -1},
        {"name": "X", "order": "first"},
        {"name": "X", "color": "red; background: url(x)"},
        {"name": "X", "image": "javascript:alert(1)"},
        {"name": "X", "icon": "x" * 1025},
        {"name": "X", "meta": "not an object"},
        {"name": "X", "meta": {"k": "v" * 9000}},
        {"name": "X", "meta": {"k": "nul\u0000"}},
        {"name": "X", "id": 7},
        {"name": "X", "deleted_at": "2024-01-01T00:00:00Z"},
        {"name": "X", "course_count": 3},
        {"name": "X", "parent_id": 1},
    ],
)
async def test_bad_bodies_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    before = await count_categories(db)
    response = await client.post(URL, json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert await count_categories(db) == before


async def test_the_parent_must_be_a_live_top_level_category(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, slug="development")
    await create_category(db, dev, slug="web")
    await create_category(db, slug="deleted", deleted_at=utcnow())
    before = await count_categories(db)

    for parent in ("web", "deleted", "missing"):
        response = await client.post(
            URL, json={"name": "Deep", "parent": parent}, headers=bearer(admin)
        )
        assert response.status_code == 422, parent
        assert response.json()["errors"][0]["loc"] == ["parent"]
    assert await count_categories(db) == before


async def test_only_administrators_change_categories(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_category(db, name="Design", slug="design")
    await create_category(db, slug="gone", deleted_at=utcnow())
    instructor = await create_user(db, role=UserRole.INSTRUCTOR)
    before = await count_categories(db)

    calls = [
        ("POST", URL, {"name": "New"}),
        ("PATCH", f"{URL}/design", {"name": "Renamed"}),
        ("POST", f"{URL}/reorder", {"slugs": ["design"]}),
        ("DELETE", f"{URL}/design", None),
        ("POST", f"{URL}/gone/restore", None),
    ]
    for method, url, body in calls:
        anonymous = await client.request(method, url, json=body)
        assert anonymous.status_code == 401, (method, url)
        refused = await client.request(method, url, json=body, headers=bearer(instructor))
        assert refused.status_code == 403, (method, url)

    row = await category(db, "design")
    assert (row.name, row.deleted_at) == ("Design", None)
    assert (await category(db, "gone")).deleted_at is not None
    assert await count_categories(db) == before


# -- update ------------------------------------------------------------------------------------


async def test_renaming_keeps_the_slug_and_a_new_slug_can_be_set(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="Design", slug="design", description="old", color="red")
    await create_category(db, slug="taken")

    renamed = await client.patch(
        f"{URL}/design",
        json={"name": "Graphic Design", "description": None, "is_active": False},
        headers=bearer(admin),
    )
    assert renamed.status_code == 200
    body = renamed.json()
    assert (body["slug"], body["name"], body["description"]) == ("design", "Graphic Design", None)
    assert (body["color"], body["is_active"]) == ("red", False)  # untouched / changed

    taken = await client.patch(f"{URL}/design", json={"slug": "taken"}, headers=bearer(admin))
    assert taken.status_code == 409
    moved = await client.patch(
        f"{URL}/design", json={"slug": "graphic-design"}, headers=bearer(admin)
    )
    assert moved.json()["slug"] == "graphic-design"
    assert (
        await client.get(f"{URL}/design", params={"include": "all"}, headers=bearer(admin))
    ).status_code == 404

    row = await category(db, "graphic-design")
    assert (row.name, row.description, row.is_active) == ("Graphic Design", None, False)
    entries = await logged(db, "category.updated")
    assert len(entries) == 2
    assert entries[0].properties == {
        "changes": {
            "name": ["Design", "Graphic Design"],
            "description": ["old", None],
            "is_active": [True, False],
        }
    }


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"slug": None},
        {"order": None},
        {"is_active": None},
        {"name": "x" * 256},
        {"slug": "Not A Slug"},
        {"description": "nul\u0000"},
        {"status": "published"},
        {"parent_id": 3},
        {"is_featured": []},
    ],
)
async def test_bad_updates_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    await create_category(db, name="Design", slug="design", order=2)
    response = await client.patch(f"{URL}/design", json=body, headers=bearer(admin))
    assert response.status_code == 422
    row = await category(db, "design")
    assert (row.name, row.order, row.is_active, row.description) == ("Design", 2, True, None)


async def test_updating_a_missing_or_deleted_category(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="Gone", slug="gone", deleted_at=utcnow())
    missing = await client.patch(f"{URL}/nothing", json={"name": "X"}, headers=bearer(admin))
    assert missing.status_code == 404
    deleted = await client.patch(f"{URL}/gone", json={"name": "X"}, headers=bearer(admin))
    assert deleted.status_code == 409
    assert (await category(db, "gone")).name == "Gone"


async def test_renaming_onto_a_siblings_name_is_a_conflict(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="Design", slug="design")
    await create_category(db, name="Music", slug="music")
    response = await client.patch(f"{URL}/music", json={"name": "design"}, headers=bearer(admin))
    assert response.status_code == 409
    assert (await category(db, "music")).name == "Music"
    # Changing only the case of its own name is fine.
    same = await client.patch(f"{URL}/music", json={"name": "MUSIC"}, headers=bearer(admin))
    assert same.status_code == 200


async def test_moving_a_category_under_another(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, name="Development", slug="development")
    await create_category(db, dev, slug="web", order=0)
    await create_category(db, name="Mobile", slug="mobile", order=9)

    response = await client.patch(
        f"{URL}/mobile", json={"parent": "development"}, headers=bearer(admin)
    )
    assert response.status_code == 200
    assert (response.json()["parent"], response.json()["order"]) == ("development", 1)
    assert (await category(db, "mobile")).parent_id == dev.id

    back = await client.patch(f"{URL}/mobile", json={"parent": None}, headers=bearer(admin))
    assert (back.json()["parent"], back.json()["order"]) == (None, 1)
    assert (await category(db, "mobile")).parent_id is None
    [first, _] = await logged(db, "category.updated")
    assert first.properties is not None
    assert first.properties["changes"]["parent"] == [None, "development"]


async def test_moves_that_make_a_cycle_or_a_third_level_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, slug="development")
    await create_category(db, dev, slug="web")
    design = await create_category(db, slug="design")
    await create_category(db, design, slug="old-child", deleted_at=utcnow())
    await create_category(db, slug="music")

    cases = [
        ("development", "development", "category_cycle"),  # under itself
        ("development", "web", "category_cycle"),  # under its own child
        ("music", "web", "category_too_deep"),  # under a subcategory
        ("development", "music", "category_too_deep"),  # has children
        ("design", "music", "category_too_deep"),  # has a deleted child
    ]
    for slug, parent, code in cases:
        response = await client.patch(
            f"{URL}/{slug}", json={"parent": parent}, headers=bearer(admin)
        )
        assert response.status_code == 422, (slug, parent)
        assert response.json()["type"].endswith(code), (slug, parent)
    assert (await category(db, "development")).parent_id is None
    assert (await category(db, "web")).parent_id == dev.id
    assert (await category(db, "music")).parent_id is None


# -- reorder -----------------------------------------------------------------------------------


async def test_reordering_siblings_makes_the_order_dense(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, slug="development")
    await create_category(db, dev, slug="web", order=5)
    await create_category(db, dev, slug="mobile", order=5)
    await create_category(db, dev, slug="data", order=40, is_active=False)
    await create_category(db, dev, slug="gone", order=1, deleted_at=utcnow())
    await create_category(db, slug="other-top", order=3)

    response = await client.post(
        f"{URL}/reorder",
        json={"parent": "development", "slugs": ["data", "web", "mobile"]},
        headers=bearer(admin),
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["slug"], i["order"], i["parent"]) for i in items] == [
        ("data", 0, "development"),
        ("web", 1, "development"),
        ("mobile", 2, "development"),
    ]
    orders = {slug: (await category(db, slug)).order for slug in ("data", "web", "mobile")}
    assert orders == {"data": 0, "web": 1, "mobile": 2}
    assert (await category(db, "gone")).order == 1
    [entry] = await logged(db, "category.reordered")
    assert entry.properties == {"parent": "development", "slugs": ["data", "web", "mobile"]}


async def test_reordering_the_top_level(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="A", slug="a", order=0)
    await create_category(db, name="B", slug="b", order=1)
    response = await client.post(
        f"{URL}/reorder", json={"parent": None, "slugs": ["b", "a"]}, headers=bearer(admin)
    )
    assert [i["slug"] for i in response.json()["items"]] == ["b", "a"]
    tree = (await client.get(URL)).json()["items"]
    assert [node["slug"] for node in tree] == ["b", "a"]


@pytest.mark.parametrize(
    "body",
    [
        {"parent": "development", "slugs": ["web"]},  # a sibling missing
        {"parent": "development", "slugs": ["web", "mobile", "design"]},  # not a sibling
        {"parent": "development", "slugs": ["web", "mobile", "gone"]},  # deleted
        {"parent": "development", "slugs": ["web", "web", "mobile"]},  # twice
        {"parent": "development", "slugs": []},
        {"parent": "nothing", "slugs": ["web", "mobile"]},
        {"parent": "development", "slugs": "web,mobile"},
        {"parent": "development", "slugs": ["web", "mobile"], "orders": [1, 2]},
        {"parent": "development", "slugs": ["web", "mobile\u0000"]},
    ],
)
async def test_bad_reorders_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, body: dict[str, Any]
) -> None:
    dev = await create_category(db, slug="development")
    await create_category(db, dev, slug="web", order=0)
    await create_category(db, dev, slug="mobile", order=1)
    await create_category(db, dev, slug="gone", order=2, deleted_at=utcnow())
    await create_category(db, slug="design")

    response = await client.post(f"{URL}/reorder", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert ((await category(db, "web")).order, (await category(db, "mobile")).order) == (0, 1)


# -- delete and restore ------------------------------------------------------------------------


async def test_deleting_and_restoring_a_category(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="Design", slug="design")

    deleted = await client.delete(f"{URL}/design", headers=bearer(admin))
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await category(db, "design")).deleted_at is not None
    assert (await client.get(f"{URL}/design")).status_code == 404
    assert (await client.delete(f"{URL}/design", headers=bearer(admin))).status_code == 409

    restored = await client.post(f"{URL}/design/restore", headers=bearer(admin))
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert (await category(db, "design")).deleted_at is None
    assert (await client.get(f"{URL}/design")).status_code == 200
    again = await client.post(f"{URL}/design/restore", headers=bearer(admin))
    assert again.status_code == 409

    assert len(await logged(db, "category.deleted")) == 1
    assert len(await logged(db, "category.restored")) == 1


async def test_missing_categories_cannot_be_deleted_or_restored(
    client: httpx.AsyncClient, admin: User
) -> None:
    assert (await client.delete(f"{URL}/nothing", headers=bearer(admin))).status_code == 404
    assert (await client.post(f"{URL}/nothing/restore", headers=bearer(admin))).status_code == 404


async def test_a_category_with_live_subcategories_is_not_deleted(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, slug="development")
    await create_category(db, dev, slug="web", is_active=False)
    await create_category(db, dev, slug="old", deleted_at=utcnow())

    refused = await client.delete(f"{URL}/development", headers=bearer(admin))
    assert refused.status_code == 409
    assert (await category(db, "development")).deleted_at is None

    assert (await client.delete(f"{URL}/web", headers=bearer(admin))).status_code == 204
    assert (await client.delete(f"{URL}/development", headers=bearer(admin))).status_code == 204


async def test_a_child_is_restored_only_under_a_live_parent(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    dev = await create_category(db, slug="development", deleted_at=utcnow())
    await create_category(db, dev, slug="web", deleted_at=utcnow())

    refused = await client.post(f"{URL}/web/restore", headers=bearer(admin))
    assert refused.status_code == 409
    assert (await category(db, "web")).deleted_at is not None

    assert (
        await client.post(f"{URL}/development/restore", headers=bearer(admin))
    ).status_code == 200
    restored = await client.post(f"{URL}/web/restore", headers=bearer(admin))
    assert (restored.status_code, restored.json()["parent"]) == (200, "development")


async def test_restoring_next_to_a_sibling_of_the_same_name_is_a_conflict(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    await create_category(db, name="Design", slug="design", deleted_at=utcnow())
    await create_category(db, name="Design", slug="design-2")
    response = await client.post(f"{URL}/design/restore", headers=bearer(admin))
    assert response.status_code == 409
    assert (await category(db, "design")).deleted_at is not None
