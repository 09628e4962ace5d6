"""Authoring assignments: settings and their rules, the lesson, attachments, access."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.models import Assignment, Course, CourseSection, Lesson, LessonType, User
from tests.assignments.conftest import PDF, PNG, fresh, studio
from tests.conftest import bearer
from tests.factories import create_course, create_lesson
from tests.factories.assignments import create_assignment
from tests.factories.curriculum import add_co_instructor, create_author
from tests.factories.instructors import create_admin


async def test_create_with_every_setting(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    body = {
        "title": " Essay 1 ",
        "description": "Write",
        "instructions": '<p onclick="x()">Do it</p><script>alert(1)</script>',
        "total_points": "50",
        "passing_points": "30.5",
        "due_date": "2030-01-01T12:00:00+02:00",
        "allow_late_submission": True,
        "late_submission_penalty": "12.5",
        "max_file_size": 5,
        "allowed_file_types": [".PDF", "zip", "pdf", "txt"],
        "max_submissions": 3,
        "is_required": True,
        "is_published": True,
        "lesson": str(lesson.uuid),
    }
    response = await client.post(f"{studio(course)}/assignments", json=body, headers=bearer(author))
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["title"] == "Essay 1"
    assert "script" not in out["instructions"]
    assert "onclick" not in out["instructions"]
    assert out["allowed_file_types"] == ["pdf", "zip", "txt"]
    assert out["lesson"] == str(lesson.uuid)
    assert out["due_date"].startswith("2030-01-01T10:00:00")
    assert (out["order"], out["attachments"]) == (0, [])
    row = await db.scalar(select(Assignment).where(Assignment.uuid == uuid.UUID(out["uuid"])))
    assert row is not None
    assert (row.total_points, row.passing_points, row.late_submission_penalty) == (
        Decimal("50.00"),
        Decimal("30.50"),
        Decimal("12.50"),
    )
    assert row.lesson_id == lesson.id

    second = await client.post(
        f"{studio(course)}/assignments", json={"title": "Two"}, headers=bearer(author)
    )
    assert second.json()["order"] == 1
    assert second.json()["allowed_file_types"] is None
    assert second.json()["is_published"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "total_points": "0"}, "total_points"),
        ({"title": "x", "total_points": "-1"}, "total_points"),
        ({"title": "x", "total_points": "10", "passing_points": "11"}, "passing_points"),
        ({"title": "x", "late_submission_penalty": "101"}, "late_submission_penalty"),
        ({"title": "x", "late_submission_penalty": "-1"}, "late_submission_penalty"),
        ({"title": "x", "max_file_size": -1}, "max_file_size"),
        ({"title": "x", "max_submissions": -1}, "max_submissions"),
        ({"title": "x", "allowed_file_types": ["p df"]}, "allowed_file_types"),
        ({"title": "x", "allowed_file_types": ["../x"]}, "allowed_file_types"),
        ({"title": "x", "due_date": "2030-01-01T12:00:00"}, "due_date"),
        ({"title": "x", "lesson": "00000000-0000-0000-0000-000000000000"}, "lesson"),
        ({"title": "x", "is_graded": True}, "is_graded"),
    ],
)
async def test_bad_settings_are_422(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    body: dict,
    field: str,
) -> None:
    response = await client.post(f"{studio(course)}/assignments", json=body, headers=bearer(author))
    assert response.status_code == 422, response.text
    assert field in response.text
    count = await db.scalar(select(Assignment.id).where(Assignment.course_id == course.id))
    assert count is None


async def test_lesson_must_be_an_assignment_lesson_of_this_course_and_free(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
) -> None:
    video = await create_lesson(db, section, type=LessonType.VIDEO)
    other = await create_course(db, author)
    from tests.factories import create_section

    elsewhere = await create_lesson(db, await create_section(db, other), type=LessonType.ASSIGNMENT)
    await create_assignment(db, course, lesson_id=lesson.id)
    for target, code in (
        (video, "not_assignment_lesson"),
        (elsewhere, "no_such_lesson"),
        (lesson, "lesson_taken"),
    ):
        response = await client.post(
            f"{studio(course)}/assignments",
            json={"title": "x", "lesson": str(target.uuid)},
            headers=bearer(author),
        )
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith(f"/{code}"), response.text


async def test_update_checks_the_result(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    assignment = await create_assignment(db, course, lesson_id=lesson.id)
    url = f"{studio(course)}/assignments/{assignment.uuid}"
    bad = await client.patch(url, json={"total_points": "50"}, headers=bearer(author))
    assert bad.status_code == 422
    assert "passing_points" in bad.text
    null = await client.patch(url, json={"title": None}, headers=bearer(author))
    assert null.status_code == 422
    ok = await client.patch(
        url,
        json={"total_points": "50", "passing_points": "25", "lesson": None, "due_date": None},
        headers=bearer(author),
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["lesson"] is None
    row = await fresh(db, Assignment, assignment.id)
    assert (row.total_points, row.passing_points, row.lesson_id) == (
        Decimal("50.00"),
        Decimal("25.00"),
        None,
    )
    # Keeping its own lesson is not "taken".
    again = await client.patch(url, json={"lesson": str(lesson.uuid)}, headers=bearer(author))
    assert again.status_code == 200
    same = await client.patch(url, json={"lesson": str(lesson.uuid)}, headers=bearer(author))
    assert same.status_code == 200, same.text


async def test_list_get_delete(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    first = await create_assignment(db, course, order=1, title="B", lesson_id=lesson.id)
    await create_assignment(db, course, order=0, title="A", is_published=False)
    listed = await client.get(f"{studio(course)}/assignments", headers=bearer(author))
    assert listed.status_code == 200
    assert [a["title"] for a in listed.json()["items"]] == ["A", "B"]
    assert listed.json()["items"][1]["lesson"] == str(lesson.uuid)
    url = f"{studio(course)}/assignments/{first.uuid}"
    assert (await client.get(url, headers=bearer(author))).json()["title"] == "B"
    assert (await client.delete(url, headers=bearer(author))).status_code == 204
    assert (await client.get(url, headers=bearer(author))).status_code == 404
    assert (await client.delete(url, headers=bearer(author))).status_code == 404
    assert (await fresh(db, Assignment, first.id)).deleted_at is not None


async def test_who_may_author(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course
) -> None:
    assignment = await create_assignment(db, course)
    url = f"{studio(course)}/assignments/{assignment.uuid}"
    co = await create_author(db)
    await add_co_instructor(db, course, co)
    admin = await create_admin(db)
    stranger = await create_author(db)
    from tests.factories import create_user

    student = await create_user(db)
    assert (await client.get(url, headers=bearer(co))).status_code == 200
    assert (await client.get(url, headers=bearer(admin))).status_code == 200
    assert (await client.get(url, headers=bearer(stranger))).status_code == 404
    assert (await client.get(url, headers=bearer(student))).status_code == 403
    assert (await client.get(url)).status_code == 401
    # An assignment of another course through this course's URL is a 404.
    other = await create_assignment(db, await create_course(db, author))
    cross = await client.get(f"{studio(course)}/assignments/{other.uuid}", headers=bearer(author))
    assert cross.status_code == 404


async def test_attachments(
    client: httpx.AsyncClient, db: AsyncSession, files: Path, author: User, course: Course
) -> None:
    assignment = await create_assignment(db, course)
    url = f"{studio(course)}/assignments/{assignment.uuid}/attachments"
    added = await client.post(
        url, files={"file": ("brief.pdf", PDF, "application/pdf")}, headers=bearer(author)
    )
    assert added.status_code == 201, added.text
    [entry] = added.json()["attachments"]
    assert (entry["name"], entry["size"], entry["type"]) == (
        "brief.pdf",
        len(PDF),
        "application/pdf",
    )
    assert "path" not in entry
    second = await client.post(
        url, files={"file": ("pic.png", PNG, "image/png")}, headers=bearer(author)
    )
    assert len(second.json()["attachments"]) == 2
    bad = await client.post(
        url, files={"file": ("x.exe", b"MZ" + b"\x00" * 100, "text/plain")}, headers=bearer(author)
    )
    assert bad.status_code == 415
    got = await client.get(f"{url}/{entry['id']}", headers=bearer(author))
    assert got.status_code == 200
    assert got.content == PDF
    assert (await client.get(f"{url}/abcdef", headers=bearer(author))).status_code == 404
    assert (await client.delete(f"{url}/{entry['id']}", headers=bearer(author))).status_code == 204
    await jobs.wait_for_jobs()
    row = await fresh(db, Assignment, assignment.id)
    assert [e["name"] for e in row.attachments] == ["pic.png"]
    assert len([p for p in files.rglob("*") if p.is_file()]) == 1
