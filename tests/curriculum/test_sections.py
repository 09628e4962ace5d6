"""Sections: create, edit, soft delete, list with lessons, reorder, drip settings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import Course, CourseSection, Lesson, User, UserRole
from tests.conftest import bearer
from tests.curriculum.conftest import base, fresh
from tests.factories import create_course, create_lesson, create_section, create_user
from tests.factories.curriculum import add_co_instructor, create_author
from tests.factories.instructors import create_admin
from tests.queries import count_queries


async def live_sections(db: AsyncSession, course: Course) -> list[tuple[str, int]]:
    rows = await db.execute(
        select(CourseSection.title, CourseSection.order)
        .where(CourseSection.course_id == course.id, CourseSection.deleted_at.is_(None))
        .order_by(CourseSection.order)
    )
    return [(title, order) for title, order in rows]


async def test_create_appends_and_counts(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    for title in ("One", "Two"):
        response = await client.post(
            f"{base(course)}/sections", json={"title": f"  {title} "}, headers=bearer(author)
        )
        assert response.status_code == 201, response.text
    body = response.json()
    assert body["title"] == "Two"
    assert body["order"] == 1
    assert body["lessons"] == []
    assert await live_sections(db, course) == [("One", 0), ("Two", 1)]
    assert (await fresh(db, Course, course.id)).total_sections == 2


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"title": ""},
        {"title": "x" * 256},
        {"title": "a\u0000b"},
        {"title": 5},
        {"title": "ok", "order": 3},
        {"title": "ok", "course_id": 1},
        {"title": "ok", "duration_minutes": 9},
        {"title": "ok", "drip_days": -1},
        {"title": "ok", "drip_type": "weekly"},
        {"title": "ok", "drip_date": "2030-01-01T00:00:00"},  # no time zone
    ],
)
async def test_create_refuses_bad_input(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, payload: Any
) -> None:
    response = await client.post(f"{base(course)}/sections", json=payload, headers=bearer(author))
    assert response.status_code == 422
    assert await live_sections(db, course) == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"drip_enabled": True}, "drip_type"),
        ({"drip_type": "days_after_enrollment"}, "drip_days"),
        ({"drip_type": "date"}, "drip_date"),
        ({"drip_type": "after_section"}, "drip_after_section_id"),
    ],
)
async def test_drip_type_needs_its_field(
    client: httpx.AsyncClient, author: User, course: Course, payload: Any, field: str
) -> None:
    response = await client.post(
        f"{base(course)}/sections", json={"title": "S", **payload}, headers=bearer(author)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == [field]


async def test_drip_settings_are_kept(
    client: httpx.AsyncClient, author: User, course: Course, section: CourseSection
) -> None:
    response = await client.post(
        f"{base(course)}/sections",
        json={
            "title": "Later",
            "drip_enabled": True,
            "drip_type": "after_section",
            "drip_after_section_id": section.id,
        },
        headers=bearer(author),
    )
    assert response.status_code == 201, response.text
    assert response.json()["drip_after_section_id"] == section.id
    response = await client.post(
        f"{base(course)}/sections",
        json={"title": "Dated", "drip_type": "date", "drip_date": "2030-01-01T09:00:00Z"},
        headers=bearer(author),
    )
    assert response.status_code == 201
    assert response.json()["drip_date"].startswith("2030-01-01T09:00:00")


async def test_drip_pointer_to_another_course_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, other_course: Course
) -> None:
    foreign = await create_section(db, other_course)
    response = await client.post(
        f"{base(course)}/sections",
        json={"title": "S", "drip_type": "after_section", "drip_after_section_id": foreign.id},
        headers=bearer(author),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["drip_after_section_id"]
    assert await live_sections(db, course) == []


async def test_drip_pointer_to_itself_or_a_deleted_section_is_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    response = await client.patch(
        f"{base(course)}/sections/{section.id}",
        json={"drip_type": "after_section", "drip_after_section_id": section.id},
        headers=bearer(author),
    )
    assert response.status_code == 422
    gone = await create_section(db, course, title="Gone", deleted_at=section.created_at)
    response = await client.patch(
        f"{base(course)}/sections/{section.id}",
        json={"drip_type": "after_section", "drip_after_section_id": gone.id},
        headers=bearer(author),
    )
    assert response.status_code == 422
    assert (await fresh(db, CourseSection, section.id)).drip_type is None


async def test_edit(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
) -> None:
    response = await client.patch(
        f"{base(course)}/sections/{section.id}",
        json={"title": "Renamed", "description": "About", "is_published": False},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    row = await fresh(db, CourseSection, section.id)
    assert (row.title, row.description, row.is_published) == ("Renamed", "About", False)


@pytest.mark.parametrize(
    "payload", [{"title": None}, {"is_published": None}, {"order": 2}, {"title": "x" * 256}]
)
async def test_edit_refuses_bad_input(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    payload: Any,
) -> None:
    response = await client.patch(
        f"{base(course)}/sections/{section.id}", json=payload, headers=bearer(author)
    )
    assert response.status_code == 422
    row = await fresh(db, CourseSection, section.id)
    assert (row.title, row.order, row.is_published) == ("Basics", 0, True)


async def test_delete_is_soft_and_closes_up(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    first = await create_section(db, course, title="A", order=0)
    middle = await create_section(db, course, title="B", order=1)
    last = await create_section(db, course, title="C", order=2, drip_after_section_id=middle.id)
    lesson = await create_lesson(db, middle, video_url="https://v.example/1", duration_seconds=120)
    await create_lesson(db, first, video_url="https://v.example/2", duration_seconds=60)
    response = await client.delete(f"{base(course)}/sections/{middle.id}", headers=bearer(author))
    assert response.status_code == 204
    assert await live_sections(db, course) == [("A", 0), ("C", 1)]
    assert (await fresh(db, CourseSection, middle.id)).deleted_at is not None
    assert (await fresh(db, Lesson, lesson.id)).deleted_at is not None
    assert (await fresh(db, CourseSection, last.id)).drip_after_section_id is None
    totals = await fresh(db, Course, course.id)
    assert (totals.total_sections, totals.total_lectures, totals.duration_minutes) == (2, 1, 1)
    again = await client.delete(f"{base(course)}/sections/{middle.id}", headers=bearer(author))
    assert again.status_code == 404
    listed = await client.get(f"{base(course)}/sections", headers=bearer(author))
    assert [s["title"] for s in listed.json()["items"]] == ["A", "C"]


async def test_list_with_lessons_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    author: User,
    course: Course,
) -> None:
    async def count() -> tuple[int, dict[str, Any]]:
        with count_queries(engine) as statements:
            response = await client.get(f"{base(course)}/sections", headers=bearer(author))
        assert response.status_code == 200
        return len(statements), response.json()

    one = await create_section(db, course, title="One", order=0)
    await create_lesson(db, one, title="L1", video_url="https://v.example/1")
    small, _ = await count()
    for n in range(1, 6):
        extra = await create_section(db, course, title=f"S{n}", order=n)
        for m in range(3):
            await create_lesson(db, extra, title=f"L{n}.{m}", order=m, video_id="x")
    await create_lesson(db, one, title="Deleted", order=1, deleted_at=one.created_at)
    large, body = await count()
    assert large == small <= 6
    assert [s["title"] for s in body["items"]] == ["One", "S1", "S2", "S3", "S4", "S5"]
    assert [lesson["title"] for lesson in body["items"][1]["lessons"]] == ["L1.0", "L1.1", "L1.2"]
    assert [lesson["title"] for lesson in body["items"][0]["lessons"]] == ["L1"]


async def test_reorder(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    a = await create_section(db, course, title="A", order=0)
    b = await create_section(db, course, title="B", order=1)
    c = await create_section(db, course, title="C", order=2)
    response = await client.post(
        f"{base(course)}/sections/reorder",
        json={"section_ids": [c.id, a.id, b.id]},
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    assert [s["title"] for s in response.json()["items"]] == ["C", "A", "B"]
    assert await live_sections(db, course) == [("C", 0), ("A", 1), ("B", 2)]


async def test_reorder_refuses_foreign_missing_and_duplicate_ids(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, other_course: Course
) -> None:
    a = await create_section(db, course, title="A", order=0)
    b = await create_section(db, course, title="B", order=1)
    foreign = await create_section(db, other_course)
    for ids in ([b.id, a.id, foreign.id], [b.id], [b.id, a.id, a.id], [b.id, foreign.id], []):
        response = await client.post(
            f"{base(course)}/sections/reorder", json={"section_ids": ids}, headers=bearer(author)
        )
        assert response.status_code == 422, ids
        assert response.json()["errors"][0]["loc"] == ["section_ids"]
    assert await live_sections(db, course) == [("A", 0), ("B", 1)]


async def test_who_may_edit(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, section: CourseSection
) -> None:
    url = f"{base(course)}/sections"
    assert (await client.get(url)).status_code == 401
    student = await create_user(db, role=UserRole.STUDENT)
    assert (await client.get(url, headers=bearer(student))).status_code == 403
    stranger = await create_author(db)
    for response in (
        await client.get(url, headers=bearer(stranger)),
        await client.post(url, json={"title": "X"}, headers=bearer(stranger)),
        await client.patch(f"{url}/{section.id}", json={"title": "X"}, headers=bearer(stranger)),
        await client.delete(f"{url}/{section.id}", headers=bearer(stranger)),
        await client.post(
            f"{url}/reorder", json={"section_ids": [section.id]}, headers=bearer(stranger)
        ),
    ):
        assert response.status_code == 404
    assert (await fresh(db, CourseSection, section.id)).title == "Basics"
    co = await create_author(db)
    await add_co_instructor(db, course, co)
    assert (await client.post(url, json={"title": "Co"}, headers=bearer(co))).status_code == 201
    admin = await create_admin(db)
    assert (await client.get(url, headers=bearer(admin))).status_code == 200


async def test_a_section_of_another_course_is_not_found(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, other_course: Course
) -> None:
    foreign = await create_section(db, other_course, title="Theirs")
    mine = await create_course(db, author)
    response = await client.patch(
        f"{base(mine)}/sections/{foreign.id}", json={"title": "Mine"}, headers=bearer(author)
    )
    assert response.status_code == 404
    assert (await fresh(db, CourseSection, foreign.id)).title == "Theirs"
