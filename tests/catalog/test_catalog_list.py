"""GET /courses: only public courses, filters, sorts, pagination, a fixed query budget."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.catalog.schemas import CourseCard
from lectern.kit.schemas import Page
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseLevel,
    CoursePriceType,
    CourseStatus,
    SearchHistory,
    UserRole,
)
from tests.catalog.conftest import QueryCounter
from tests.factories import create_course, create_user
from tests.factories.catalog import add_co_instructor
from tests.factories.taxonomy import create_category, create_published_course, create_tag

URL = "/api/v1/courses"


async def slugs(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await client.get(URL, params=params)
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


async def test_only_published_approved_live_courses_are_listed(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_published_course(db, slug="live")
    await create_course(db, slug="draft")
    await create_course(db, slug="pending", status=CourseStatus.PENDING_REVIEW)
    await create_course(db, slug="rejected", status=CourseStatus.REJECTED)
    await create_course(db, slug="unpublished", status=CourseStatus.UNPUBLISHED, is_approved=True)
    await create_published_course(db, slug="not-approved", is_approved=False)
    await create_published_course(db, slug="deleted", deleted_at=utcnow())
    assert await slugs(client) == ["live"]


async def test_an_item_carries_the_card_fields(client: httpx.AsyncClient, db: AsyncSession) -> None:
    teacher = await create_user(db, username="ada", name="Ada L", role=UserRole.INSTRUCTOR)
    web = await create_category(db, slug="web")
    css = await create_tag(db, slug="css", name="CSS")
    course = await create_published_course(
        db,
        category=web,
        instructor=teacher,
        slug="flexbox",
        title="Flexbox",
        price=Decimal("19.99"),
        compare_price=Decimal("49.90"),
        tags=[css],
        duration_minutes=90,
        total_lectures=12,
    )
    body = (await client.get(URL)).json()
    assert body["meta"] == {"total": 1, "page": 1, "per_page": 20, "pages": 1}
    item = body["items"][0]
    assert item["uuid"] == str(course.uuid)
    assert item["price"] == "19.99"
    assert item["compare_price"] == "49.90"
    assert item["price_type"] == "paid"
    assert item["currency"] == "USD"
    assert item["rating"] == "0.00"
    assert item["instructor"] == {"username": "ada", "name": "Ada L"}
    assert item["category"] == "web"
    assert item["tags"] == ["css"]
    assert item["duration_minutes"] == 90
    assert item["total_lectures"] == 12
    assert "id" not in item
    assert "instructor_id" not in item
    # Served from rows: exactly the document the response model describes.
    assert Page[CourseCard].model_validate(body).model_dump(mode="json") == body
    searched = (await client.get(URL, params={"q": "flexbox"})).json()
    assert searched["items"] == body["items"]


async def test_category_filter_includes_subcategories(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    dev = await create_category(db, slug="dev")
    web = await create_category(db, parent=dev, slug="dev-web")
    deep = await create_category(db, parent=web, slug="dev-web-css")
    other = await create_category(db, slug="music")
    await create_published_course(db, category=dev, slug="a")
    await create_published_course(db, category=dev, subcategory=web, slug="b")
    await create_published_course(db, category=deep, slug="c")
    await create_published_course(db, category=other, slug="d")
    assert sorted(await slugs(client, category="dev")) == ["a", "b", "c"]
    assert sorted(await slugs(client, category="dev-web")) == ["b", "c"]
    assert await slugs(client, category="nothing-here") == []


async def test_simple_filters(client: httpx.AsyncClient, db: AsyncSession) -> None:
    py, js = await create_tag(db, slug="py"), await create_tag(db, slug="js")
    teacher = await create_user(db, username="grace", role=UserRole.INSTRUCTOR)
    await create_published_course(
        db,
        slug="one",
        tags=[py],
        level=CourseLevel.BEGINNER,
        language="pt-BR",
        rating=Decimal("4.60"),
        duration_minutes=30,
        is_featured=True,
        instructor=teacher,
    )
    two = await create_published_course(
        db,
        slug="two",
        tags=[js],
        price=Decimal("10.00"),
        rating=Decimal("3.90"),
        duration_minutes=300,
        is_bestseller=True,
        is_trending=True,
    )
    await create_published_course(
        db,
        slug="three",
        price=Decimal("99.00"),
        price_type=CoursePriceType.PAID,
        level=CourseLevel.ADVANCED,
        is_new=True,
        duration_minutes=600,
    )
    await add_co_instructor(db, two, teacher)
    assert await slugs(client, tags=["py", "js"], sort="newest") in (["one", "two"], ["two", "one"])
    assert await slugs(client, tags=["py"]) == ["one"]
    assert await slugs(client, level="beginner") == ["one"]
    assert await slugs(client, language="pt-BR") == ["one"]
    assert await slugs(client, price_type="paid", sort="price_asc") == ["two", "three"]
    assert await slugs(client, min_price="5", max_price="50") == ["two"]
    assert await slugs(client, max_price="0") == ["one"]
    assert await slugs(client, min_rating="4.5") == ["one"]
    assert await slugs(client, min_duration=60, max_duration=400) == ["two"]
    assert sorted(await slugs(client, instructor="grace")) == ["one", "two"]
    assert await slugs(client, featured="true") == ["one"]
    assert await slugs(client, bestseller="true") == ["two"]
    assert await slugs(client, trending="true") == ["two"]
    assert await slugs(client, new="true") == ["three"]
    assert sorted(await slugs(client, featured="false")) == ["three", "two"]


async def test_sorts(client: httpx.AsyncClient, db: AsyncSession) -> None:
    now = utcnow()
    await create_published_course(
        db,
        slug="cheap",
        price=Decimal("5.00"),
        total_enrollments=10,
        rating=Decimal("4.00"),
        published_at=now - timedelta(days=3),
    )
    await create_published_course(
        db,
        slug="dear",
        price=Decimal("80.00"),
        total_enrollments=50,
        rating=Decimal("3.00"),
        published_at=now - timedelta(days=1),
    )
    await create_published_course(
        db, slug="free", total_enrollments=5, rating=Decimal("5.00"), published_at=now
    )
    assert await slugs(client) == ["dear", "cheap", "free"]  # popular by default
    assert await slugs(client, sort="popular") == ["dear", "cheap", "free"]
    assert await slugs(client, sort="rating") == ["free", "cheap", "dear"]
    assert await slugs(client, sort="newest") == ["free", "dear", "cheap"]
    assert await slugs(client, sort="price_asc") == ["free", "cheap", "dear"]
    assert await slugs(client, sort="price_desc") == ["dear", "cheap", "free"]


async def test_pagination(client: httpx.AsyncClient, db: AsyncSession) -> None:
    for n in range(5):
        await create_published_course(db, slug=f"p{n}", total_enrollments=n)
    body = (await client.get(URL, params={"per_page": 2, "page": 2})).json()
    assert [item["slug"] for item in body["items"]] == ["p2", "p1"]
    assert body["meta"] == {"total": 5, "page": 2, "per_page": 2, "pages": 3}


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "cheapest"},
        {"sort": "relevance"},
        {"level": "expert"},
        {"price_type": "gratis"},
        {"min_price": "-1"},
        {"min_price": "abc"},
        {"min_price": "10", "max_price": "5"},
        {"min_price": "1.234"},
        {"min_duration": "90", "max_duration": "10"},
        {"min_rating": "6"},
        {"featured": "maybe"},
        {"q": "x" * 201},
        {"tags": [f"t{n}" for n in range(11)]},
        {"instructor": "u" * 51},
        {"per_page": 101},
        {"page": 0},
    ],
)
async def test_bad_parameters_are_422(
    client: httpx.AsyncClient, db: AsyncSession, params: dict[str, Any]
) -> None:
    response = await client.get(URL, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await db.scalars(select(SearchHistory))).all() == []


@pytest.mark.parametrize(
    "params", [{"q": "a\u0000b"}, {"category": "a\u0000"}, {"tags": ["ok", "bad\u0000"]}]
)
async def test_nul_bytes_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, params: dict[str, Any]
) -> None:
    response = await client.get(URL, params=params)
    assert response.status_code in (400, 422)
    assert (await db.scalars(select(SearchHistory))).all() == []


async def test_a_bad_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(URL, headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


async def test_the_list_runs_three_statements_a_search_four_whatever_the_data(
    client: httpx.AsyncClient, db: AsyncSession, queries: QueryCounter
) -> None:
    async def count(n_courses: int) -> tuple[int, int]:
        for n in range(n_courses):
            teacher = await create_user(db, role=UserRole.INSTRUCTOR)
            category = await create_category(db)
            tags = [await create_tag(db, name=f"python topic {n} {k}") for k in range(3)]
            await create_published_course(
                db,
                category=category,
                subcategory=category,
                instructor=teacher,
                tags=tags,
                title=f"Python course {n}",
            )
        queries.reset()
        response = await client.get(
            URL, params={"q": "python", "tags": [tags[0].slug, "x"], "category": category.slug}
        )
        assert response.status_code == 200
        searched = queries.count
        queries.reset()
        assert (await client.get(URL, params={"per_page": 100})).status_code == 200
        return searched, queries.count

    # A search: the page with its total, the tags, the search history (and on PostgreSQL
    # the plan setting, not a data statement). A browse: the count, the page, the tags.
    assert await count(1) == (3, 3)
    assert await count(15) == (3, 3)
    assert len((await db.scalars(select(Course))).all()) == 16
