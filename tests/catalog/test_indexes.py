"""The catalog's search and main filter/sort paths can use indexes (EXPLAIN on PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.catalog import queries, service
from lectern.catalog.schemas import CatalogQuery
from lectern.kit.schemas import PageParams
from lectern.models import CourseLevel
from tests.dbs import on_postgresql
from tests.factories.taxonomy import create_published_course


async def plan(db: AsyncSession, query: CatalogQuery) -> str:
    """The plan of the statement reading the list's first page of 20."""
    page, _, values = queries.list_statements(
        query, PageParams(page=1, per_page=20), db.get_bind().dialect.name
    )
    compiled = page.statement.params(values).compile(
        dialect=db.get_bind().dialect, compile_kwargs={"literal_binds": True}
    )
    prefix = "EXPLAIN" if on_postgresql() else "EXPLAIN QUERY PLAN"
    rows = (await db.execute(text(f"{prefix} {compiled}"))).all()
    return "\n".join(" ".join(str(part) for part in row) for row in rows)


@pytest.fixture
async def courses(db: AsyncSession) -> None:
    for n in range(40):
        await create_published_course(
            db, title=f"Course {n} about {'rust' if n % 4 == 0 else 'gardening'}"
        )
    if on_postgresql():
        # A catalog of thousands of public courses, few of them about rust.
        owner = (await db.execute(text("SELECT instructor_id FROM courses LIMIT 1"))).scalar_one()
        await db.execute(
            text(
                "INSERT INTO courses (uuid, instructor_id, title, slug, description, status,"
                " is_approved, published_at, total_enrollments)"
                " SELECT gen_random_uuid(), :owner, 'Gardening ' || n, 'gardening-' || n,"
                " 'notes on topic' || n, 'published', true, now() - n * interval '1 minute', n"
                " FROM generate_series(1, 3000) AS n"
            ),
            {"owner": owner},
        )
        await db.execute(text("ANALYZE courses"))
        # With a few rows a sequential scan is cheapest; forbid it to prove the index usable.
        await db.execute(text("SET LOCAL enable_seqscan = off"))


@pytest.mark.usefixtures("courses")
async def test_a_rare_word_is_found_through_the_full_text_index(db: AsyncSession) -> None:
    explained = await plan(db, CatalogQuery(q="rust"))
    if on_postgresql():
        assert "ix_courses_search_vector" in explained, explained
    else:
        assert "VIRTUAL TABLE INDEX" in explained, explained


@pytest.mark.usefixtures("courses")
async def test_a_common_word_is_read_in_order_of_popularity_up_to_the_window(
    db: AsyncSession,
) -> None:
    """Nearly every course says "gardening": the search walks the popularity index and
    stops at the window instead of ranking every match."""
    if not on_postgresql():
        pytest.skip("the plans are checked on PostgreSQL")
    explained = await plan(db, CatalogQuery(q="gardening"))
    assert re.search(r"Index Scan Backward using ix_courses_total_enrollments", explained), (
        explained
    )
    assert "ix_courses_search_vector" not in explained, explained


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (CatalogQuery(sort="newest"), "ix_courses_(status_)?published_at"),
        (CatalogQuery(sort="popular"), "ix_courses_total_enrollments"),
        (CatalogQuery(sort="rating"), "ix_courses_rating"),
        (CatalogQuery(sort="price_asc"), "ix_courses_price_order"),
        (CatalogQuery(sort="price_desc"), "ix_courses_price_order"),
        (CatalogQuery(level=CourseLevel.BEGINNER, sort="newest"), "ix_courses_level"),
        (CatalogQuery(featured=True, sort="newest"), "ix_courses_is_featured"),
        (CatalogQuery(q="gardening", sort="newest"), "ix_courses_(status_)?published_at"),
    ],
)
@pytest.mark.usefixtures("courses")
async def test_filters_and_sorts_use_indexes(
    db: AsyncSession, query: CatalogQuery, index: str
) -> None:
    if not on_postgresql():
        pytest.skip("the plans are checked on PostgreSQL")
    explained = await plan(db, query)
    assert re.search(rf"using {index} on courses", explained), explained


@pytest.mark.parametrize("sort", ["popular", "rating", "price_asc", "price_desc"])
@pytest.mark.usefixtures("courses")
async def test_a_sort_is_read_in_index_order_ties_included(db: AsyncSession, sort: str) -> None:
    """Thousands of courses tie on rating and price: the page still reads only its first
    rows of an index, with no sort of the tied ones."""
    if not on_postgresql():
        pytest.skip("the plans are checked on PostgreSQL")
    explained = await plan(db, CatalogQuery(sort=sort))
    assert "Sort" not in explained, explained


async def test_a_search_is_planned_for_its_own_words(db: AsyncSession) -> None:
    """A prepared statement's generic plan would serve "gardening" (nearly every course) as
    if it were rare, reading every match: each search asks for a plan of its own."""
    if not on_postgresql():
        pytest.skip("PostgreSQL caches plans of prepared statements")
    await service.list_courses(
        db, CatalogQuery(q="gardening"), PageParams(page=1, per_page=20), None
    )
    assert (await db.execute(text("SHOW plan_cache_mode"))).scalar() == "force_custom_plan"
