"""Full-text search (q) over title, subtitle, description and tags; search history; facets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.catalog import queries
from lectern.catalog.search import fts5_query, terms, tsquery_text
from lectern.models import (
    Course,
    CourseLevel,
    CoursePriceType,
    CourseStatus,
    CourseTag,
    SearchHistory,
    Tag,
)
from tests.conftest import bearer
from tests.factories import create_course, create_user
from tests.factories.taxonomy import create_category, create_published_course, create_tag

URL = "/api/v1/courses"


async def found(client: httpx.AsyncClient, q: str, **params: Any) -> list[str]:
    response = await client.get(URL, params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


async def test_search_matches_every_text_field_and_tags(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    kotlin = await create_tag(db, name="Kotlin", slug="kotlin")
    await create_published_course(db, slug="t", title="Haskell from scratch")
    await create_published_course(db, slug="s", title="Course", subtitle="Learn Erlang fast")
    await create_published_course(db, slug="d", title="Course", description="We write Elixir.")
    await create_published_course(db, slug="g", title="Course", tags=[kotlin])
    assert await found(client, "haskell") == ["t"]
    assert await found(client, "ERLANG") == ["s"]
    assert await found(client, "elixir") == ["d"]
    assert await found(client, "kotlin") == ["g"]
    assert await found(client, "hask") == ["t"]  # words match as prefixes
    assert await found(client, "haskell erlang") == []  # every word must match
    assert await found(client, "cobol") == []


async def test_the_index_follows_changes_of_courses_tags_and_links(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    tag = await create_tag(db, name="Zig", slug="zig")
    course = await create_published_course(db, slug="c", title="Systems")
    assert await found(client, "zig") == []
    db.add(CourseTag(course_id=course.id, tag_id=tag.id))
    await db.flush()
    assert await found(client, "zig") == ["c"]
    await db.execute(update(Tag).where(Tag.id == tag.id).values(name="Odin"))
    assert await found(client, "zig") == []
    assert await found(client, "odin") == ["c"]
    await db.execute(delete(CourseTag).where(CourseTag.course_id == course.id))
    assert await found(client, "odin") == []
    await db.execute(update(Course).where(Course.id == course.id).values(title="Fortran today"))
    assert await found(client, "fortran") == ["c"]
    assert await found(client, "systems") == []


async def test_hidden_courses_never_match(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await create_course(db, slug="draft", title="Secret pascal")
    await create_course(db, slug="rejected", title="Pascal", status=CourseStatus.REJECTED)
    await create_published_course(db, slug="live", title="Pascal for all")
    assert await found(client, "pascal") == ["live"]


async def test_relevance_ranks_title_matches_first(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_published_course(
        db, slug="mention", title="Course", description="some rust here", total_enrollments=99
    )
    await create_published_course(db, slug="title", title="Rust in depth")
    assert await found(client, "rust") == ["title", "mention"]
    assert await found(client, "rust", sort="popular") == ["mention", "title"]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "rust\"'",
        "a OR b",
        "NOT rust",
        "rust*",
        "(rust",
        "title:rust",
        "rust & | ! :*",
        "^rust",
        "NEAR(a b)",
        "-",
        "   ",
        "ünïcödé 漢字",
        "%_\\",
        "a_b",
        "DROP TABLE courses; --",
    ],
)
async def test_search_syntax_in_the_query_is_harmless(
    client: httpx.AsyncClient, db: AsyncSession, q: str
) -> None:
    await create_published_course(db, slug="rust", title="Rust and a b")
    response = await client.get(URL, params={"q": q})
    assert response.status_code == 200, response.text
    # Taken as words: the course still exists, and is found only if every word matches.
    assert [item["slug"] for item in response.json()["items"]] in ([], ["rust"])
    assert (await client.get(URL, params={"q": "rust"})).json()["meta"]["total"] == 1


def test_terms_keep_only_words() -> None:
    assert terms('Rust "and" C++: NEAR(x)* a_b') == ["rust", "and", "c", "near", "x", "a", "b"]
    assert fts5_query(["rust", "go"]) == '"rust"* "go"*'
    assert tsquery_text(["rust", "go"]) == "rust:* & go:*"
    assert terms(" ".join(f"w{n}" for n in range(30))) == [f"w{n}" for n in range(10)]


async def test_searches_are_recorded(client: httpx.AsyncClient, db: AsyncSession) -> None:
    student = await create_user(db)
    await create_published_course(db, slug="r", title="Rust", level=CourseLevel.BEGINNER)
    await client.get(URL, params={"q": "rust", "level": "beginner"}, headers=bearer(student))
    await client.get(URL, params={"q": "nothing"})
    await client.get(URL)  # no q: not a search
    rows = (await db.scalars(select(SearchHistory).order_by(SearchHistory.id))).all()
    assert [(r.user_id, r.query, r.results_count, r.filters) for r in rows] == [
        (student.id, "rust", 1, {"level": "beginner"}),
        (None, "nothing", 0, None),
    ]


async def test_facets_count_the_current_filter(client: httpx.AsyncClient, db: AsyncSession) -> None:
    web = await create_category(db, slug="web", name="Web")
    data = await create_category(db, slug="data", name="Data")
    await create_published_course(db, category=web, title="Rust web", level=CourseLevel.BEGINNER)
    await create_published_course(
        db, category=web, title="Go web", level=CourseLevel.ADVANCED, price=Decimal("9")
    )
    await create_published_course(db, category=data, title="Rust data", level=CourseLevel.BEGINNER)
    await create_course(db, category_id=data.id, title="Rust draft")
    body = (await client.get(f"{URL}/facets")).json()
    assert body["total"] == 3
    assert body["categories"] == [
        {"slug": "web", "name": "Web", "count": 2},
        {"slug": "data", "name": "Data", "count": 1},
    ]
    assert body["levels"] == [
        {"value": "advanced", "count": 1},
        {"value": "beginner", "count": 2},
    ]
    assert {f["value"]: f["count"] for f in body["price_types"]} == {
        CoursePriceType.FREE.value: 2,
        CoursePriceType.PAID.value: 1,
    }
    body = (await client.get(f"{URL}/facets", params={"q": "rust"})).json()
    assert body["total"] == 2
    assert [c["count"] for c in body["categories"]] == [1, 1]
    assert (await db.scalars(select(SearchHistory))).all() == []
    response = await client.get(f"{URL}/facets", params={"level": "guru"})
    assert response.status_code == 422


async def test_a_search_counts_its_matches_on_every_page(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for n in range(3):
        await create_published_course(db, slug=f"ocaml-{n}", title=f"OCaml part {n}")
    await create_published_course(db, slug="other", title="Something else")
    pages = []
    for page in (1, 2, 3, 4):
        response = await client.get(URL, params={"q": "ocaml", "per_page": 2, "page": page})
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append((len(body["items"]), body["meta"]["total"], body["meta"]["pages"]))
    # The last two pages are past the end: the count still says how many there are.
    assert pages == [(2, 3, 2), (1, 3, 2), (0, 3, 2), (0, 3, 2)]
    none = await client.get(URL, params={"q": "cobol"})
    assert none.json()["meta"]["total"] == 0


@pytest.fixture
def window_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "SEARCH_WINDOW", 3)


@pytest.mark.usefixtures("window_of_three")
async def test_a_common_word_is_ranked_among_its_most_popular_matches(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    # Five courses say "scala"; the window holds the three most popular of them.
    await create_published_course(db, slug="title-rare", title="Scala", total_enrollments=1)
    await create_published_course(
        db, slug="mention-top", title="Course", description="scala", total_enrollments=50
    )
    await create_published_course(db, slug="title-mid", title="Scala", total_enrollments=30)
    await create_published_course(
        db, slug="mention-mid", title="Course", description="scala", total_enrollments=20
    )
    await create_published_course(
        db, slug="mention-low", title="Course", description="scala", total_enrollments=10
    )
    response = await client.get(URL, params={"q": "scala"})
    body = response.json()
    # Ranked by relevance within the window: the title match first.
    assert [item["slug"] for item in body["items"]] == ["title-mid", "mention-top", "mention-mid"]
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 20, "pages": 1}
    # A sort picks its own window: the first three matches in its order.
    assert await found(client, "scala", sort="popular", per_page=2, page=2) == ["mention-mid"]
    newest = await found(client, "scala", sort="newest")
    assert newest == ["mention-low", "mention-mid", "title-mid"]
    past_the_end = await client.get(URL, params={"q": "scala", "per_page": 2, "page": 3})
    assert past_the_end.json()["items"] == []
    assert past_the_end.json()["meta"]["total"] == 3
    [*_, recorded] = await db.scalars(
        select(SearchHistory.results_count).order_by(SearchHistory.id)
    )
    assert recorded == 3
