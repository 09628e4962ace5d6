"""Every datetime a request sends is bounded in one place (kit.schemas.Instant): one at the
calendar's edge, which cannot be converted to UTC, is a 422 naming the field, never a 500,
and nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.schemas import in_utc
from lectern.models import Assignment, CourseSection
from tests.conftest import bearer
from tests.factories import create_course, create_lesson, create_section
from tests.factories.curriculum import create_author
from tests.factories.users import create_admin

EDGES = [
    "9999-12-31T23:59:59-14:00",  # past the last representable instant once in UTC
    "0001-01-01T00:00:00+14:00",  # before the first
    "9999-12-31T23:59:59+00:00",  # representable, but past what Lectern keeps
    "1899-12-31T23:59:59Z",
]


def test_in_utc_converts_and_bounds() -> None:
    assert in_utc(datetime.fromisoformat("2030-01-01T12:00:00+02:00")) == datetime(
        2030, 1, 1, 10, tzinfo=UTC
    )
    assert in_utc(datetime(2030, 1, 1)) == datetime(2030, 1, 1, tzinfo=UTC)  # naive: UTC
    for edge in EDGES:
        with pytest.raises(ValueError, match="between 1900-01-01 and 9999-12-30"):
            in_utc(datetime.fromisoformat(edge.replace("Z", "+00:00")))


def _problem_names(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(error["loc"][-1] == field for error in response.json()["errors"])


@pytest.mark.parametrize("edge", EDGES)
async def test_drip_and_due_dates_at_the_edge_are_422(
    client: httpx.AsyncClient, db: AsyncSession, edge: str
) -> None:
    author = await create_author(db)
    course = await create_course(db, author)
    section = await create_section(db, course)
    lesson = await create_lesson(db, section)
    studio = f"/api/v1/studio/courses/{course.uuid}"
    headers = bearer(author)
    sections_before = await db.scalar(select(func.count(CourseSection.id)))

    section_body = {"title": "Dated", "drip_type": "date", "drip_date": edge}
    _problem_names(
        await client.post(f"{studio}/sections", json=section_body, headers=headers), "drip_date"
    )
    lesson_body = {"drip_type": "date", "drip_date": edge}
    _problem_names(
        await client.patch(f"{studio}/lessons/{lesson.uuid}", json=lesson_body, headers=headers),
        "drip_date",
    )
    assignment_body = {"title": "Essay", "due_date": edge}
    _problem_names(
        await client.post(f"{studio}/assignments", json=assignment_body, headers=headers),
        "due_date",
    )
    assert await db.scalar(select(func.count(CourseSection.id))) == sections_before
    assert await db.scalar(select(func.count(Assignment.id))) == 0
    await db.refresh(lesson)
    assert lesson.drip_date is None


@pytest.mark.parametrize("edge", EDGES)
async def test_activity_log_bounds_at_the_edge_are_422(
    client: httpx.AsyncClient, db: AsyncSession, edge: str
) -> None:
    admin = await create_admin(db)
    for name in ("from", "to"):
        response = await client.get(
            "/api/v1/activity-logs", params={name: edge}, headers=bearer(admin)
        )
        _problem_names(response, name)
