"""The public category tree and category pages: visibility, order, course counts."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import CourseStatus, UserRole
from tests.conftest import bearer
from tests.factories import create_course, create_user
from tests.factories.taxonomy import create_category, create_published_course
from tests.queries import count_queries

URL = "/api/v1/categories"


def slugs(nodes: list[dict[str, object]]) -> list[object]:
    return [node["slug"] for node in nodes]


async def test_the_tree_nests_active_categories_in_order(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    dev = await create_category(db, name="Development", slug="development", order=1)
    design = await create_category(db, name="Design", slug="design", order=0)
    await create_category(db, dev, name="web", slug="web", order=0)
    # Same order: by name, case-insensitively.
    await create_category(db, dev, name="Mobile", slug="mobile", order=3)
    await create_category(db, dev, name="data", slug="data", order=3)
    await create_category(db, design, name="Hidden", slug="hidden-child", is_active=False)
    await create_category(db, design, name="Gone", slug="gone-child", deleted_at=utcnow())
    inactive = await create_category(db, name="Inactive", slug="inactive", is_active=False)
    await create_category(db, inactive, name="Under inactive", slug="under-inactive")
    await create_category(db, name="Deleted", slug="deleted", deleted_at=utcnow())

    response = await client.get(URL)

    assert response.status_code == 200
    tree = response.json()["items"]
    assert slugs(tree) == ["design", "development"]
    assert tree[0]["children"] == []
    assert slugs(tree[1]["children"]) == ["web", "data", "mobile"]
    web = tree[1]["children"][0]
    assert web["parent"] == "development"
    assert web["children"] == []
    assert web["deleted_at"] is None
    assert "id" not in web
    assert "parent_id" not in web


async def test_course_counts_include_subcategories_once(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    dev = await create_category(db, name="Development", slug="development")
    web = await create_category(db, dev, name="Web", slug="web")
    mobile = await create_category(db, dev, name="Mobile", slug="mobile")
    await create_category(db, name="Other", slug="other")
    teacher = await create_user(db, role=UserRole.INSTRUCTOR)
    await create_published_course(db, dev, web, teacher)  # dev and web, once each
    await create_published_course(db, dev, web, teacher)
    await create_published_course(db, dev, None, teacher)  # dev only
    await create_published_course(db, None, mobile, teacher)  # mobile, and so dev
    # Not counted: a draft, an unapproved one, a deleted one.
    await create_course(db, teacher, category_id=dev.id, subcategory_id=web.id)
    await create_published_course(db, dev, web, teacher, is_approved=False)
    await create_published_course(db, dev, web, teacher, deleted_at=utcnow())
    await create_published_course(db, dev, web, teacher, status=CourseStatus.UNPUBLISHED)

    tree = (await client.get(URL)).json()["items"]

    counts = {node["slug"]: node["course_count"] for node in tree}
    counts |= {child["slug"]: child["course_count"] for node in tree for child in node["children"]}
    assert counts == {"development": 4, "web": 2, "mobile": 1, "other": 0}

    detail = (await client.get(f"{URL}/development")).json()
    assert detail["course_count"] == 4
    assert {c["slug"]: c["course_count"] for c in detail["children"]} == {"mobile": 1, "web": 2}
    assert (await client.get(f"{URL}/web")).json()["course_count"] == 2


async def test_the_tree_runs_a_fixed_number_of_queries(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    teacher = await create_user(db, role=UserRole.INSTRUCTOR)
    top = await create_category(db)
    await create_published_course(db, top, await create_category(db, top), teacher)
    with count_queries(app.state.engine) as small:
        assert (await client.get(URL)).status_code == 200

    for _ in range(6):
        parent = await create_category(db)
        for _ in range(3):
            child = await create_category(db, parent)
            await create_published_course(db, parent, child, teacher)
    with count_queries(app.state.engine) as large:
        response = await client.get(URL)
    assert response.status_code == 200
    assert len(response.json()["items"]) == 7
    assert len(large) == len(small) == 2


async def test_a_category_page_runs_a_fixed_number_of_queries(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    teacher = await create_user(db, role=UserRole.INSTRUCTOR)
    top = await create_category(db, slug="top")
    with count_queries(app.state.engine) as small:
        assert (await client.get(f"{URL}/top")).status_code == 200
    for _ in range(8):
        child = await create_category(db, top)
        await create_published_course(db, top, child, teacher)
    with count_queries(app.state.engine) as large:
        response = await client.get(f"{URL}/top")
    assert len(response.json()["children"]) == 8
    assert response.json()["course_count"] == 8
    assert len(large) == len(small)


async def test_a_category_page_shows_its_visible_children(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    dev = await create_category(db, name="Development", slug="development", icon="code")
    await create_category(db, dev, name="Web", slug="web", order=1)
    await create_category(db, dev, name="Apps", slug="apps", order=0)
    await create_category(db, dev, name="Hidden", slug="hidden", is_active=False)
    await create_category(db, dev, name="Gone", slug="gone", deleted_at=utcnow())

    response = await client.get(f"{URL}/development")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["icon"], body["parent"]) == ("Development", "code", None)
    assert slugs(body["children"]) == ["apps", "web"]
    child = (await client.get(f"{URL}/web")).json()
    assert (child["parent"], child["children"]) == ("development", [])


async def test_hidden_categories_are_not_found_by_the_public(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    inactive = await create_category(db, slug="inactive", is_active=False)
    await create_category(db, inactive, slug="child-of-inactive")
    deleted = await create_category(db, slug="deleted", deleted_at=utcnow())
    await create_category(db, deleted, slug="child-of-deleted")
    student = await create_user(db)

    for slug in ("inactive", "child-of-inactive", "deleted", "child-of-deleted", "nothing"):
        response = await client.get(f"{URL}/{slug}", headers=bearer(student))
        assert response.status_code == 404, slug
        assert response.headers["content-type"] == "application/problem+json"


async def test_include_all_is_for_administrators(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_category(db, slug="inactive", is_active=False)
    student = await create_user(db)

    assert (await client.get(URL, params={"include": "all"})).status_code == 401
    refused = await client.get(URL, params={"include": "all"}, headers=bearer(student))
    assert refused.status_code == 403
    detail = await client.get(f"{URL}/inactive", params={"include": "all"}, headers=bearer(student))
    assert detail.status_code == 403
    assert (await client.get(URL, params={"include": "everything"})).status_code == 422


async def test_administrators_see_inactive_and_deleted_categories(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_user(db, role=UserRole.ADMIN)
    inactive = await create_category(db, name="B inactive", slug="inactive", is_active=False)
    await create_category(db, inactive, slug="deleted-child", deleted_at=utcnow())
    await create_category(db, name="A active", slug="active")

    # Without include=all an administrator gets the public view too.
    public = (await client.get(URL, headers=bearer(admin))).json()["items"]
    assert slugs(public) == ["active"]

    response = await client.get(URL, params={"include": "all"}, headers=bearer(admin))
    tree = response.json()["items"]
    assert slugs(tree) == ["active", "inactive"]
    assert tree[1]["is_active"] is False
    assert slugs(tree[1]["children"]) == ["deleted-child"]
    assert tree[1]["children"][0]["deleted_at"] is not None

    detail = await client.get(
        f"{URL}/deleted-child", params={"include": "all"}, headers=bearer(admin)
    )
    assert detail.status_code == 200
    assert detail.json()["parent"] == "inactive"
