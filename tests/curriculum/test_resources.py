"""Lesson resources: uploads within the size and type limits, listing, deleting, downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.models import Course, CourseSection, Lesson, LessonResource, SettingType, User
from tests.conftest import bearer
from tests.curriculum.conftest import base, fresh
from tests.factories import create_lesson
from tests.factories.curriculum import add_co_instructor, create_author, create_resource
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("code/main.py", "print('hi')\n")
    return buffer.getvalue()


@pytest.fixture
async def lesson(db: AsyncSession, section: CourseSection) -> Lesson:
    return await create_lesson(db, section, video_url="https://v.example/1")


def url(course: Course, lesson: Lesson) -> str:
    return f"{base(course)}/lessons/{lesson.uuid}/resources"


async def stored(files: Path) -> list[Path]:
    """The files in storage once the jobs queued so far (file deletions) have run."""
    await jobs.wait_for_jobs()
    return [path for path in files.rglob("*") if path.is_file()] if files.exists() else []


async def resource_count(db: AsyncSession, lesson: Lesson) -> int:
    return int(
        await db.scalar(
            select(func.count(LessonResource.id)).where(LessonResource.lesson_id == lesson.id)
        )
        or 0
    )


@pytest.mark.parametrize(
    ("content", "mime"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (a_zip(), "application/zip")],
)
async def test_upload(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
    content: bytes,
    mime: str,
) -> None:
    response = await client.post(
        url(course, lesson),
        files={"file": ("notes.txt", content, "text/plain")},  # name and header are ignored
        data={"title": " Week 1 notes ", "description": "Read first"},
        headers=bearer(author),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["title"], body["file_name"], body["file_type"]) == (
        "Week 1 notes",
        "notes.txt",
        mime,
    )
    assert (body["file_size"], body["download_count"], body["order"]) == (len(content), 0, 0)
    assert "file_path" not in body
    [path] = await stored(files)
    assert path.read_bytes() == content
    assert (await fresh(db, Course, course.id)).total_resources == 1


async def test_title_defaults_to_the_file_name(
    client: httpx.AsyncClient, author: User, course: Course, lesson: Lesson
) -> None:
    response = await client.post(
        url(course, lesson), files={"file": ("slides.pdf", PDF)}, headers=bearer(author)
    )
    assert response.status_code == 201
    assert response.json()["title"] == "slides.pdf"


async def test_over_the_size_setting_is_413(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
) -> None:
    await create_setting(db, "uploads.max_file_mb", 1, SettingType.INTEGER)
    big = PDF + b"0" * (1024 * 1024)
    response = await client.post(
        url(course, lesson), files={"file": ("big.pdf", big)}, headers=bearer(author)
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert await resource_count(db, lesson) == 0
    assert await stored(files) == []
    small = await client.post(
        url(course, lesson), files={"file": ("ok.pdf", PDF)}, headers=bearer(author)
    )
    assert small.status_code == 201


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, not a document\n",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,  # a Windows program
        b"<html><script>alert(1)</script></html>",
    ],
)
async def test_a_type_outside_the_list_is_415(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
    content: bytes,
) -> None:
    response = await client.post(
        url(course, lesson),
        files={"file": ("fake.pdf", content, "application/pdf")},
        headers=bearer(author),
    )
    assert response.status_code == 415
    assert await resource_count(db, lesson) == 0
    assert await stored(files) == []


@pytest.mark.parametrize(
    "data",
    [
        {"title": "x" * 256},
        {"title": "a\u0000b"},
        {"description": "x" * 2001},
        {"is_downloadable": "maybe"},
    ],
)
async def test_upload_refuses_bad_fields(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    lesson: Lesson,
    data: dict[str, str],
) -> None:
    response = await client.post(
        url(course, lesson), files={"file": ("a.pdf", PDF)}, data=data, headers=bearer(author)
    )
    assert response.status_code == 422
    assert await resource_count(db, lesson) == 0


async def test_upload_needs_a_file(
    client: httpx.AsyncClient, author: User, course: Course, lesson: Lesson
) -> None:
    response = await client.post(url(course, lesson), data={"title": "x"}, headers=bearer(author))
    assert response.status_code == 422
    empty = await client.post(
        url(course, lesson), files={"file": ("a.pdf", b"")}, headers=bearer(author)
    )
    assert empty.status_code == 422


async def test_list_and_delete(
    client: httpx.AsyncClient,
    db: AsyncSession,
    files: Path,
    author: User,
    course: Course,
    lesson: Lesson,
) -> None:
    ids = []
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        response = await client.post(
            url(course, lesson), files={"file": (name, PDF)}, headers=bearer(author)
        )
        ids.append(response.json()["id"])
    listed = await client.get(url(course, lesson), headers=bearer(author))
    assert listed.status_code == 200
    assert [r["file_name"] for r in listed.json()["items"]] == ["a.pdf", "b.pdf", "c.pdf"]
    assert listed.json()["meta"]["total"] == 3
    response = await client.delete(f"{url(course, lesson)}/{ids[0]}", headers=bearer(author))
    assert response.status_code == 204
    assert len(await stored(files)) == 2  # the file went once the deletion was committed
    assert (await fresh(db, Course, course.id)).total_resources == 2
    rows = await db.execute(
        select(LessonResource.file_name, LessonResource.order)
        .where(LessonResource.lesson_id == lesson.id)
        .order_by(LessonResource.order)
    )
    assert list(rows) == [("b.pdf", 0), ("c.pdf", 1)]
    again = await client.delete(f"{url(course, lesson)}/{ids[0]}", headers=bearer(author))
    assert again.status_code == 404


async def test_download_streams_and_counts(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    created = await client.post(
        url(course, lesson), files={"file": ("Résumé 1.pdf", PDF)}, headers=bearer(author)
    )
    resource_id = created.json()["id"]
    for _ in range(2):
        response = await client.get(
            f"{url(course, lesson)}/{resource_id}/download", headers=bearer(author)
        )
        assert response.status_code == 200
        assert response.content == PDF
        assert response.headers["content-type"] == "application/pdf"
        assert "attachment" in response.headers["content-disposition"]
        assert "R%C3%A9sum%C3%A9%201.pdf" in response.headers["content-disposition"]
    assert (await fresh(db, LessonResource, resource_id)).download_count == 2


async def test_download_of_a_missing_file_is_404(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    resource = await create_resource(db, lesson)
    response = await client.get(
        f"{url(course, lesson)}/{resource.id}/download", headers=bearer(author)
    )
    assert response.status_code == 404
    assert (await fresh(db, LessonResource, resource.id)).download_count == 0


async def test_who_may_upload_and_download(
    client: httpx.AsyncClient, db: AsyncSession, author: User, course: Course, lesson: Lesson
) -> None:
    created = await client.post(
        url(course, lesson), files={"file": ("a.pdf", PDF)}, headers=bearer(author)
    )
    download = f"{url(course, lesson)}/{created.json()['id']}/download"
    stranger = await create_author(db)
    assert (await client.get(download)).status_code == 401
    for response in (
        await client.get(download, headers=bearer(stranger)),
        await client.get(url(course, lesson), headers=bearer(stranger)),
        await client.post(
            url(course, lesson), files={"file": ("a.pdf", PDF)}, headers=bearer(stranger)
        ),
        await client.delete(
            f"{url(course, lesson)}/{created.json()['id']}", headers=bearer(stranger)
        ),
    ):
        assert response.status_code == 404
    assert await resource_count(db, lesson) == 1
    co = await create_author(db)
    await add_co_instructor(db, course, co)
    assert (await client.get(download, headers=bearer(co))).status_code == 200
    assert (await client.get(download, headers=bearer(await create_admin(db)))).status_code == 200
    assert (await fresh(db, LessonResource, created.json()["id"])).download_count == 2


async def test_a_resource_of_another_lesson_is_not_found(
    client: httpx.AsyncClient,
    db: AsyncSession,
    author: User,
    course: Course,
    section: CourseSection,
    lesson: Lesson,
) -> None:
    other = await create_lesson(db, section, title="Other")
    resource = await create_resource(db, other)
    response = await client.delete(f"{url(course, lesson)}/{resource.id}", headers=bearer(author))
    assert response.status_code == 404
    assert await resource_count(db, other) == 1
