"""Creating, listing, reading, editing and deleting courses in the studio."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import selectinload

from lectern.kit.currencies import minor_units
from lectern.models import (
    ActivityLog,
    Course,
    CourseAccessType,
    CoursePriceType,
    CourseStatus,
    InstructorProfileStatus,
    User,
    UserRole,
)
from tests.conftest import bearer
from tests.courses.conftest import BASE
from tests.factories import create_course, create_enrollment, create_user
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.instructors import create_profile
from tests.factories.taxonomy import create_category, create_tag
from tests.queries import count_queries


async def _course(db: AsyncSession, uuid: str) -> Course:
    course = await db.scalar(
        select(Course).where(Course.uuid == UUID(uuid)).execution_options(populate_existing=True)
    )
    assert course is not None
    return course


# -- create -------------------------------------------------------------------------------------


async def test_create_with_every_field(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    parent = await create_category(db, slug="dev")
    child = await create_category(db, parent, slug="web")
    await create_tag(db, slug="python")
    await create_tag(db, slug="django")
    body: dict[str, Any] = {
        "title": "Web apps with Django",
        "subtitle": "From zero",
        "short_description": "Short",
        "description": "Long description",
        "requirements": ["Python"],
        "what_you_learn": ["Views", "Models"],
        "target_audience": ["Beginners"],
        "thumbnail": "https://cdn.example.test/t.png",
        "cover_image": "/media/cover.png",
        "promo_video": "https://youtube.com/watch?v=x",
        "promo_video_type": "youtube",
        "price_type": "paid",
        "price": "49.99",
        "compare_price": "99.00",
        "currency": "EUR",
        "level": "beginner",
        "language": "pt-BR",
        "captions": ["en", "pt-BR"],
        "drip_content": True,
        "has_certificate": False,
        "allow_qa": False,
        "allow_reviews": False,
        "allow_discussions": False,
        "access_type": "limited",
        "access_days": 365,
        "meta_title": "Django",
        "meta_description": "Learn Django",
        "meta_keywords": "django, python",
        "category": "dev",
        "subcategory": "web",
        "tags": ["python", "django"],
    }
    response = await client.post(BASE, json=body, headers=bearer(owner))
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["slug"] == "web-apps-with-django"
    assert data["status"] == "draft"
    assert data["price"] == "49.99"
    assert data["compare_price"] == "99.00"
    assert data["category"] == "dev"
    assert data["subcategory"] == "web"
    assert sorted(t["slug"] for t in data["tags"]) == ["django", "python"]
    assert data["instructor"]["uuid"] == str(owner.uuid)
    assert data["co_instructors"] == []
    for key in body.keys() - {"category", "subcategory", "tags"}:
        assert data[key] == body[key], key
    course = await _course(db, data["uuid"])
    assert course.instructor_id == owner.id
    assert course.category_id == parent.id
    assert course.subcategory_id == child.id


async def test_create_minimal_defaults_free(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    response = await client.post(BASE, json={"title": "Intro"}, headers=bearer(owner))
    assert response.status_code == 201
    data = response.json()
    assert data["price_type"] == "free"
    assert data["price"] is None
    assert data["access_type"] == "lifetime"
    assert data["access_days"] is None
    assert data["is_approved"] is False


async def test_slugs_are_unique_and_explicit_ones_validated(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    await create_course(db, owner, slug="intro")
    await create_course(db, owner, slug="intro-2", deleted_at=None)
    first = await client.post(BASE, json={"title": "Intro"}, headers=bearer(owner))
    assert first.json()["slug"] == "intro-3"
    taken = await client.post(BASE, json={"title": "X", "slug": "intro"}, headers=bearer(owner))
    assert taken.status_code == 409
    for bad in ("Not A Slug", "a--b", "-a", "x" * 201):
        response = await client.post(BASE, json={"title": "X", "slug": bad}, headers=bearer(owner))
        assert response.status_code == 422, bad
    ok = await client.post(BASE, json={"title": "X", "slug": "my-own"}, headers=bearer(owner))
    assert ok.json()["slug"] == "my-own"


async def test_a_slug_that_would_shadow_a_catalog_route_is_reserved(
    client: httpx.AsyncClient, owner: User
) -> None:
    """/courses/facets is a route of the public catalog, so no course may be called that."""
    made = await client.post(BASE, json={"title": "Facets"}, headers=bearer(owner))
    assert made.status_code == 201, made.text
    assert made.json()["slug"] == "facets-2"
    chosen = await client.post(BASE, json={"title": "X", "slug": "facets"}, headers=bearer(owner))
    assert chosen.status_code == 422


async def test_student_and_applicant_cannot_create(
    client: httpx.AsyncClient, db: AsyncSession, student: User
) -> None:
    applicant = await create_user(db, role=UserRole.INSTRUCTOR)
    await create_profile(db, applicant, status=InstructorProfileStatus.PENDING)
    for user in (student, applicant):
        response = await client.post(BASE, json={"title": "Mine"}, headers=bearer(user))
        assert response.status_code == 403
    assert await db.scalar(select(Course.id).where(Course.title == "Mine")) is None


async def test_create_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.post(BASE, json={"title": "X"})).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "x" * 256},
        {"title": "a\u0000b"},
        {"title": 5},
        {"title": "X", "status": "published"},
        {"title": "X", "is_approved": True},
        {"title": "X", "instructor_id": 1},
        {"title": "X", "total_enrollments": 100},
        {"title": "X", "rating": "5.00"},
        {"title": "X", "price_type": "paid"},
        {"title": "X", "price_type": "paid", "price": "-1"},
        {"title": "X", "price_type": "paid", "price": "0"},
        {"title": "X", "price_type": "paid", "price": "1.234"},
        {"title": "X", "price_type": "paid", "price": "NaN"},
        {"title": "X", "price": "10.00"},
        {"title": "X", "price_type": "subscription", "price": "10.00"},
        {"title": "X", "compare_price": "10.00"},
        {"title": "X", "price_type": "paid", "price": "10", "compare_price": "10"},
        {"title": "X", "price_type": "paid", "price": "10", "compare_price": "9.99"},
        {"title": "X", "access_type": "limited"},
        {"title": "X", "access_days": 30},
        {"title": "X", "access_type": "limited", "access_days": 0},
        {"title": "X", "currency": "usd"},
        {"title": "X", "currency": "ABC"},  # not an ISO 4217 code
        {"title": "X", "currency": "XAU"},  # gold: ISO 4217, but no money to sell in
        {"title": "X", "language": "english!"},
        {"title": "X", "level": "expert"},
        {"title": "X", "thumbnail": "javascript:alert(1)"},
        {"title": "X", "tags": ["a", "a"]},
        {"title": "X", "tags": ["unknown-tag"]},
        {"title": "X", "category": "no-such-category"},
        {"title": "X", "requirements": ["x" * 501]},
    ],
)
async def test_create_refuses_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, body: dict[str, Any]
) -> None:
    response = await client.post(BASE, json=body, headers=bearer(owner))
    assert response.status_code == 422, response.text
    assert await db.scalar(select(Course.id).where(Course.instructor_id == owner.id)) is None


@pytest.mark.parametrize(("currency", "units"), [("JPY", 0), ("USD", 2), ("KWD", 3)])
async def test_a_course_is_priced_in_any_iso_4217_currency(
    client: httpx.AsyncClient, owner: User, currency: str, units: int
) -> None:
    body = {"title": "Priced", "price_type": "paid", "price": "100", "currency": currency}
    response = await client.post(BASE, json=body, headers=bearer(owner))
    assert response.status_code == 201, response.text
    assert response.json()["currency"] == currency
    assert minor_units(currency) == units


async def test_subcategory_must_be_a_child_of_the_category(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    dev = await create_category(db, slug="dev")
    art = await create_category(db, slug="art")
    await create_category(db, dev, slug="web")
    await create_category(db, art, slug="painting")
    for body in (
        {"title": "X", "category": "dev", "subcategory": "painting"},
        {"title": "X", "subcategory": "web"},
        {"title": "X", "category": "web"},
        {"title": "X", "category": "dev", "subcategory": "art"},
    ):
        response = await client.post(BASE, json=body, headers=bearer(owner))
        assert response.status_code == 422, body
    response = await client.post(
        BASE, json={"title": "X", "category": "dev", "subcategory": "web"}, headers=bearer(owner)
    )
    assert response.status_code == 201
    uuid = response.json()["uuid"]
    # Moving to another category while keeping a subcategory of the old one is refused.
    moved = await client.patch(f"{BASE}/{uuid}", json={"category": "art"}, headers=bearer(owner))
    assert moved.status_code == 422
    both = await client.patch(
        f"{BASE}/{uuid}", json={"category": "art", "subcategory": "painting"}, headers=bearer(owner)
    )
    assert both.status_code == 200
    assert both.json()["subcategory"] == "painting"


async def test_marketing_flags_are_for_admins(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, admin: User
) -> None:
    refused = await client.post(
        BASE, json={"title": "X", "is_featured": True}, headers=bearer(owner)
    )
    assert refused.status_code == 403
    course = await create_course(db, owner)
    ok = await client.patch(
        f"{BASE}/{course.uuid}", json={"is_featured": True}, headers=bearer(admin)
    )
    assert ok.status_code == 200
    assert ok.json()["is_featured"] is True
    entry = await db.scalar(select(ActivityLog).where(ActivityLog.event == "course.updated"))
    assert entry is not None
    assert entry.user_id == admin.id


# -- list and read ------------------------------------------------------------------------------


async def test_list_shows_mine_and_co_taught_filtered_by_status(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    mine = await create_course(db, owner, title="Mine")
    await create_course(db, owner, title="Pending", status=CourseStatus.PENDING_REVIEW)
    shared = await create_course(db, other, title="Shared")
    await create_co_instructor(db, shared, owner)
    await create_course(db, other, title="Not mine")
    await create_course(db, owner, title="Gone", deleted_at=mine.created_at)
    response = await client.get(BASE, params={"sort": "title"}, headers=bearer(owner))
    assert response.status_code == 200
    data = response.json()
    assert [c["title"] for c in data["items"]] == ["Mine", "Pending", "Shared"]
    assert data["meta"]["total"] == 3
    drafts = await client.get(BASE, params={"status": "draft"}, headers=bearer(owner))
    assert {c["title"] for c in drafts.json()["items"]} == {"Mine", "Shared"}
    paged = await client.get(BASE, params={"per_page": 1, "page": 2}, headers=bearer(owner))
    assert len(paged.json()["items"]) == 1


async def test_list_bad_inputs_and_students(
    client: httpx.AsyncClient, owner: User, student: User
) -> None:
    for params in ({"status": "nope"}, {"sort": "password"}, {"per_page": 101}):
        assert (await client.get(BASE, params=params, headers=bearer(owner))).status_code == 422
    assert (await client.get(BASE, headers=bearer(student))).status_code == 403
    assert (await client.get(BASE)).status_code == 401


async def test_admin_sees_the_review_queue_of_everyone(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User, admin: User
) -> None:
    await create_course(db, owner, title="A", status=CourseStatus.PENDING_REVIEW)
    await create_course(db, other, title="B", status=CourseStatus.PENDING_REVIEW)
    await create_course(db, other, title="C")
    response = await client.get(
        BASE, params={"status": "pending_review", "sort": "title"}, headers=bearer(admin)
    )
    assert [c["title"] for c in response.json()["items"]] == ["A", "B"]


async def test_get_is_404_for_another_instructors_course(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    assert (await client.get(f"{BASE}/{course.uuid}", headers=bearer(owner))).status_code == 200
    assert (await client.get(f"{BASE}/{course.uuid}", headers=bearer(other))).status_code == 404
    assert (await client.get(f"{BASE}/not-a-uuid", headers=bearer(owner))).status_code == 422


# -- edit -----------------------------------------------------------------------------------


async def test_edit_keeps_the_slug_stable(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    course = await create_course(db, owner, title="Old", slug="old")
    response = await client.patch(
        f"{BASE}/{course.uuid}",
        json={"title": "New title", "subtitle": None},
        headers=bearer(owner),
    )
    assert response.status_code == 200
    assert response.json()["slug"] == "old"
    assert response.json()["title"] == "New title"
    renamed = await client.patch(
        f"{BASE}/{course.uuid}", json={"slug": "new-title"}, headers=bearer(owner)
    )
    assert renamed.json()["slug"] == "new-title"


async def test_edit_slug_taken_is_409(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    await create_course(db, owner, slug="taken")
    course = await create_course(db, owner, slug="mine")
    response = await client.patch(
        f"{BASE}/{course.uuid}", json={"slug": "taken"}, headers=bearer(owner)
    )
    assert response.status_code == 409
    assert (await _course(db, str(course.uuid))).slug == "mine"


async def test_another_instructor_editing_my_course_is_404(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner, title="Mine")
    response = await client.patch(
        f"{BASE}/{course.uuid}", json={"title": "Stolen"}, headers=bearer(other)
    )
    assert response.status_code == 404
    assert (await _course(db, str(course.uuid))).title == "Mine"


async def test_switching_pricing_and_access(
    client: httpx.AsyncClient, db: AsyncSession, owner: User
) -> None:
    course = await create_course(db, owner)
    url = f"{BASE}/{course.uuid}"
    paid = await client.patch(
        url,
        json={"price_type": "paid", "price": "20", "compare_price": "30"},
        headers=bearer(owner),
    )
    assert paid.status_code == 200
    assert (paid.json()["price"], paid.json()["compare_price"]) == ("20.00", "30.00")
    below = await client.patch(url, json={"compare_price": "19.99"}, headers=bearer(owner))
    assert below.status_code == 422
    no_price = await client.patch(url, json={"price": None}, headers=bearer(owner))
    assert no_price.status_code == 422
    free = await client.patch(url, json={"price_type": "free"}, headers=bearer(owner))
    assert free.status_code == 200
    assert (free.json()["price"], free.json()["compare_price"]) == (None, None)
    free_with_price = await client.patch(url, json={"price": "5"}, headers=bearer(owner))
    assert free_with_price.status_code == 422
    limited = await client.patch(url, json={"access_type": "limited"}, headers=bearer(owner))
    assert limited.status_code == 422
    limited = await client.patch(
        url, json={"access_type": "limited", "access_days": 90}, headers=bearer(owner)
    )
    assert limited.json()["access_days"] == 90
    lifetime = await client.patch(url, json={"access_type": "lifetime"}, headers=bearer(owner))
    assert lifetime.json()["access_days"] is None
    stored = await _course(db, str(course.uuid))
    assert stored.price_type == CoursePriceType.FREE
    assert stored.price is None
    assert stored.access_type == CourseAccessType.LIFETIME


@pytest.mark.parametrize(
    "body",
    [
        {"status": "published"},
        {"is_approved": True},
        {"is_published": True},
        {"instructor_id": 1},
        {"total_views": 5},
        {"title": None},
        {"title": "x" * 256},
        {"description": "\u0000"},
        {"tags": None},
        {"level": None},
    ],
)
async def test_edit_refuses_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, body: dict[str, Any]
) -> None:
    course = await create_course(db, owner, title="Same")
    response = await client.patch(f"{BASE}/{course.uuid}", json=body, headers=bearer(owner))
    assert response.status_code == 422
    stored = await _course(db, str(course.uuid))
    assert stored.title == "Same"
    assert stored.status == CourseStatus.DRAFT
    assert stored.is_approved is False


async def test_tags_are_replaced(client: httpx.AsyncClient, db: AsyncSession, owner: User) -> None:
    await create_tag(db, slug="a")
    await create_tag(db, slug="b")
    course = await create_course(db, owner)
    url = f"{BASE}/{course.uuid}"
    first = await client.patch(url, json={"tags": ["a", "b"]}, headers=bearer(owner))
    assert sorted(t["slug"] for t in first.json()["tags"]) == ["a", "b"]
    second = await client.patch(url, json={"tags": ["b"]}, headers=bearer(owner))
    assert [t["slug"] for t in second.json()["tags"]] == ["b"]
    cleared = await client.patch(url, json={"tags": []}, headers=bearer(owner))
    assert cleared.json()["tags"] == []


async def test_co_instructor_edits_content_not_pricing(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner, title="Shared", price="10.00")
    await create_co_instructor(db, course, other)
    url = f"{BASE}/{course.uuid}"
    content = await client.patch(url, json={"title": "Better"}, headers=bearer(other))
    assert content.status_code == 200
    for body in (
        {"price": "1.00"},
        {"price_type": "free"},
        {"compare_price": "50.00"},
        {"currency": "EUR"},
    ):
        response = await client.patch(url, json=body, headers=bearer(other))
        assert response.status_code == 403, body
    stored = await _course(db, str(course.uuid))
    assert stored.title == "Better"
    assert str(stored.price) == "10.00"
    assert stored.currency == "USD"
    assert (await client.delete(url, headers=bearer(other))).status_code == 403
    assert (await _course(db, str(course.uuid))).deleted_at is None


# -- delete -------------------------------------------------------------------------------------


async def test_delete_is_soft_and_hides_the_course(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    url = f"{BASE}/{course.uuid}"
    assert (await client.delete(url, headers=bearer(other))).status_code == 404
    assert (await client.delete(url, headers=bearer(owner))).status_code == 204
    assert (await _course(db, str(course.uuid))).deleted_at is not None
    assert (await client.get(url, headers=bearer(owner))).status_code == 404
    assert (await client.delete(url, headers=bearer(owner))).status_code == 404


async def test_delete_refused_with_enrollments(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, student: User
) -> None:
    course = await create_course(db, owner)
    await create_enrollment(db, student, course)
    response = await client.delete(f"{BASE}/{course.uuid}", headers=bearer(owner))
    assert response.status_code == 409
    assert (await _course(db, str(course.uuid))).deleted_at is None


async def test_admin_deletes_any_course_and_it_is_logged(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, admin: User
) -> None:
    course = await create_course(db, owner)
    assert (await client.delete(f"{BASE}/{course.uuid}", headers=bearer(admin))).status_code == 204
    entry = await db.scalar(select(ActivityLog).where(ActivityLog.event == "course.deleted"))
    assert entry is not None
    assert entry.subject_id == course.id


async def test_list_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, owner: User
) -> None:
    async def count() -> int:
        with count_queries(engine) as statements:
            response = await client.get(BASE, headers=bearer(owner))
        assert response.status_code == 200
        return len(statements)

    tag = await create_tag(db)
    first = await create_course(db, owner)
    await create_co_instructor(db, first, await create_instructor(db))
    small = await count()
    for _ in range(4):
        course = await create_course(db, owner, category_id=(await create_category(db)).id)
        course_tags = await db.scalar(
            select(Course).where(Course.id == course.id).options(selectinload(Course.tags))
        )
        assert course_tags is not None
        course_tags.tags = [tag]
        await create_co_instructor(db, course, await create_instructor(db))
    await db.flush()
    assert await count() == small
