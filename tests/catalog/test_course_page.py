"""GET /courses/{slug}: what a visitor sees, what stays hidden, views, the query budget."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.catalog.schemas import CoursePage
from lectern.catalog.service import device_type
from lectern.kit.types import utcnow
from lectern.models import (
    CourseInstructorRole,
    CourseStatus,
    CourseTag,
    CourseView,
    InstructorProfile,
    InstructorProfileStatus,
    LessonType,
    ReviewStatus,
    UserProfile,
    UserRole,
)
from tests.catalog.conftest import QueryCounter
from tests.conftest import bearer
from tests.factories import create_course, create_lesson, create_section, create_user
from tests.factories.catalog import add_co_instructor, create_faq, create_review
from tests.factories.taxonomy import create_category, create_published_course, create_tag

URL = "/api/v1/courses"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


async def page_of(client: httpx.AsyncClient, slug: str, ua: str = DESKTOP) -> httpx.Response:
    return await client.get(f"{URL}/{slug}", headers={"User-Agent": ua})


async def test_the_page_has_what_a_visitor_needs(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await create_user(db, username="owner1", name="Olga", role=UserRole.INSTRUCTOR)
    db.add(
        InstructorProfile(
            user_id=owner.id, headline="Teacher", status=InstructorProfileStatus.APPROVED
        )
    )
    db.add(UserProfile(user_id=owner.id, avatar="avatars/olga.png"))
    web = await create_category(db, slug="web", name="Web")
    tag = await create_tag(db, slug="css", name="CSS")
    course = await create_published_course(
        db,
        category=web,
        instructor=owner,
        slug="css-grid",
        title="CSS grid",
        price=Decimal("20.00"),
        requirements=["a browser"],
        what_you_learn=["grids"],
        tags=[tag],
    )
    helper = await add_co_instructor(db, course, role=CourseInstructorRole.ASSISTANT)
    intro = await create_section(db, course, title="Intro", order=0)
    deeper = await create_section(db, course, title="Deeper", order=1)
    await create_section(db, course, title="Hidden", order=2, is_published=False)
    await create_section(db, course, title="Gone", order=3, deleted_at=utcnow())
    await create_section(db, course, title="Empty", order=4)
    free = await create_lesson(
        db,
        intro,
        title="Welcome",
        order=0,
        is_free=True,
        video_url="https://v.test/1",
        duration_seconds=90,
    )
    await create_lesson(
        db, intro, title="Paid", order=1, video_url="https://v.test/secret", content="secret"
    )
    await create_lesson(db, intro, title="Draft lesson", order=2, is_published=False)
    await create_lesson(db, intro, title="Deleted lesson", order=3, deleted_at=utcnow())
    await create_lesson(db, deeper, title="Text", type=LessonType.TEXT, content="secret text")
    await create_faq(db, course, question="Q2", answer="A2", order=2)
    await create_faq(db, course, question="Q1", answer="A1", order=1)
    await create_faq(db, course, question="Draft", answer="x", is_published=False)
    await create_faq(db, course, question="Deleted", answer="x", deleted_at=utcnow())
    for rating in ("5.00", "5.00", "4.00", "3.50", "1.00"):
        await create_review(db, course, rating)
    await create_review(db, course, "1.00", status=ReviewStatus.PENDING)
    await create_review(db, course, "1.00", deleted_at=utcnow())

    response = await page_of(client, "css-grid")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["uuid"] == str(course.uuid)
    assert body["price"] == "20.00"
    assert body["requirements"] == ["a browser"]
    assert body["what_you_learn"] == ["grids"]
    assert body["target_audience"] == []
    assert body["category"] == {"slug": "web", "name": "Web"}
    assert body["tags"] == [{"slug": "css", "name": "CSS"}]
    assert body["instructors"] == [
        {
            "username": "owner1",
            "name": "Olga",
            "role": "owner",
            "headline": "Teacher",
            "short_bio": None,
            "avatar": "avatars/olga.png",
        },
        {
            "username": helper.username,
            "name": helper.name,
            "role": "assistant",
            "headline": None,
            "short_bio": None,
            "avatar": None,
        },
    ]
    assert [s["title"] for s in body["curriculum"]] == ["Intro", "Deeper", "Empty"]
    intro_lessons = body["curriculum"][0]["lessons"]
    assert [lesson["title"] for lesson in intro_lessons] == ["Welcome", "Paid"]
    assert intro_lessons[0]["uuid"] == str(free.uuid)
    assert intro_lessons[0]["is_free"] is True
    assert intro_lessons[0]["duration_seconds"] == 90
    assert intro_lessons[0]["preview"]["video_url"] == "https://v.test/1"
    assert intro_lessons[1]["preview"] is None
    assert body["curriculum"][1]["lessons"][0]["type"] == "text"
    assert body["curriculum"][2]["lessons"] == []
    assert "secret" not in response.text
    assert body["rating_summary"] == {
        "average": "3.70",
        "count": 5,
        "stars": {"1": 1, "2": 0, "3": 1, "4": 1, "5": 2},
    }
    assert body["faqs"] == [
        {"question": "Q1", "answer": "A1", "category": None},
        {"question": "Q2", "answer": "A2", "category": None},
    ]
    assert "id" not in body
    assert "instructor_id" not in body
    # Served from rows: exactly the document the response model describes.
    assert CoursePage.model_validate(body).model_dump(mode="json") == body


async def test_an_empty_course_page(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await create_published_course(db, slug="bare")
    body = (await page_of(client, "bare")).json()
    assert body["curriculum"] == []
    assert body["faqs"] == []
    assert body["tags"] == []
    assert body["rating_summary"] == {
        "average": "0.00",
        "count": 0,
        "stars": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }
    assert body["category"] is None


@pytest.mark.parametrize(
    "values",
    [
        {"status": CourseStatus.DRAFT},
        {"status": CourseStatus.PENDING_REVIEW},
        {"status": CourseStatus.REJECTED},
        {"status": CourseStatus.UNPUBLISHED},
        {"status": CourseStatus.PUBLISHED, "is_approved": False},
        {"status": CourseStatus.PUBLISHED, "is_approved": True, "deleted_at": "now"},
    ],
)
async def test_courses_not_public_are_404(
    client: httpx.AsyncClient, db: AsyncSession, values: dict[str, object]
) -> None:
    if values.get("deleted_at") == "now":
        values["deleted_at"] = utcnow()
    owner = await create_user(db, role=UserRole.INSTRUCTOR)
    await create_course(db, owner, slug="hidden", title="Hidden", **values)
    for headers in ({}, bearer(owner)):
        response = await client.get(f"{URL}/hidden", headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"{URL}/no-such-course")).status_code == 404
    assert (await db.scalars(select(CourseView))).all() == []


async def test_views_are_recorded_once_per_visitor_per_day(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    course = await create_published_course(db, slug="seen")
    student = await create_user(db)
    await page_of(client, "seen")
    await page_of(client, "seen")  # same ip and agent: the same visitor
    await page_of(client, "seen", ua=PHONE)  # another agent: another visitor
    await client.get(f"{URL}/seen", headers={**bearer(student), "User-Agent": PHONE})
    await client.get(f"{URL}/seen", headers={**bearer(student), "User-Agent": DESKTOP})
    await page_of(client, "seen", ua="Googlebot/2.1 (+http://www.google.com/bot.html)")
    views = (await db.scalars(select(CourseView).order_by(CourseView.id))).all()
    assert [(v.user_id, v.device_type) for v in views] == [
        (None, "desktop"),
        (None, "mobile"),
        (student.id, "mobile"),
        (None, "bot"),
    ]
    assert all(v.viewed_date == utcnow().date() for v in views)
    await db.refresh(course)
    assert course.total_views == 3  # bots are recorded, not counted
    # Yesterday's view does not hide today's.
    await db.execute(update(CourseView).values(viewed_date=utcnow().date() - timedelta(days=1)))
    await page_of(client, "seen")
    await db.refresh(course)
    assert course.total_views == 4


@pytest.mark.parametrize(
    ("agent", "kind"),
    [
        (DESKTOP, "desktop"),
        (PHONE, "mobile"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", "mobile"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1", "tablet"),
        ("Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36", "tablet"),
        ("Mozilla/5.0 (compatible; bingbot/2.0)", "bot"),
        ("curl/8.4.0", "bot"),
        (None, "bot"),
    ],
)
def test_device_type(agent: str | None, kind: str) -> None:
    assert device_type(agent) == kind


async def test_the_page_runs_four_statements_five_for_a_new_view_whatever_the_data(
    client: httpx.AsyncClient, db: AsyncSession, queries: QueryCounter
) -> None:
    course = await create_published_course(db, slug="big", category=await create_category(db))

    async def grow(n: int) -> None:
        for k in range(n):
            await add_co_instructor(db, course)
            section = await create_section(db, course, order=k)
            for j in range(3):
                await create_lesson(db, section, order=j, is_free=j == 0)
            await create_faq(db, course, order=k)
            await create_review(db, course, "4.00")
            tag = await create_tag(db)
            db.add(CourseTag(course_id=course.id, tag_id=tag.id))
        await db.flush()

    for size in (1, 10):
        await grow(size)
        queries.reset()
        first = await page_of(client, "big", ua=f"{DESKTOP} {size}")  # a new visitor
        assert first.status_code == 200
        assert queries.count == 5, queries.statements  # the view counted in total_views
        queries.reset()
        again = await page_of(client, "big", ua=f"{DESKTOP} {size}")  # a repeat view
        assert again.status_code == 200
        assert queries.count == 4, queries.statements
    assert len(first.json()["curriculum"]) == 11
