"""POST /media: who may upload, the type sniffed from the content, the limits."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.media import service
from lectern.models import InstructorProfileStatus, MediaType, SettingType, User, UserRole
from tests.factories import create_user
from tests.factories.instructors import create_profile
from tests.factories.platform import create_setting
from tests.media.conftest import (
    BASE,
    PDF,
    docx,
    image,
    media_rows,
    png_header,
    stored_files,
    upload,
    wav,
)

PRIVATE_FIELDS = {"id", "user_id", "file_path", "disk", "conversions", "deleted_at"}


async def test_an_author_uploads_a_png(
    client: httpx.AsyncClient, db: AsyncSession, author: User, files_dir: Path
) -> None:
    content = image("PNG", (40, 30))
    response = await upload(client, author, content, "Diagram.png", "image/png")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["type"] == "image"
    assert body["mime_type"] == "image/png"
    assert (body["width"], body["height"]) == (40, 30)
    assert body["size"] == len(content)
    assert body["name"] == body["file_name"] == "Diagram.png"
    assert body["file_url"] == f"{BASE}/{body['uuid']}/file"
    assert not PRIVATE_FIELDS & body.keys()

    [row] = await media_rows(db)
    assert Path(row.file_path).stem not in response.text  # the storage key is never shown
    assert row.user_id == author.id
    assert row.disk == "local"
    assert row.file_path.startswith("media/")
    assert row.file_path.endswith(".png")
    [stored] = stored_files(files_dir)
    assert stored.read_bytes() == content
    assert stored.as_posix().endswith(row.file_path)


async def test_name_alt_text_and_caption_are_kept_trimmed(
    client: httpx.AsyncClient, author: User
) -> None:
    response = await upload(
        client, author, image(), name="  Cover  ", alt_text=" A red square ", caption="Red."
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["alt_text"], body["caption"]) == ("Cover", "A red square", "Red.")


@pytest.mark.parametrize(
    ("content", "mime_type", "kind"),
    [
        (image("JPEG"), "image/jpeg", MediaType.IMAGE),
        (image("GIF"), "image/gif", MediaType.IMAGE),
        (image("WEBP"), "image/webp", MediaType.IMAGE),
        (PDF, "application/pdf", MediaType.DOCUMENT),
        (
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            MediaType.DOCUMENT,
        ),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\0" * 64, "video/mp4", "video"),
        (
            bytes.fromhex("1a45dfa3") + b"\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\0" * 64,
            "video/webm",
            MediaType.VIDEO,
        ),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\0" * 64, "video/quicktime", "video"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\0" * 64, "audio/mpeg", MediaType.AUDIO),
        (b"OggS\x00\x02" + b"\0" * 64, "audio/ogg", MediaType.AUDIO),
        (wav(), "audio/x-wav", MediaType.AUDIO),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00M4A isom" + b"\0" * 64, "audio/mp4", "audio"),
    ],
)
async def test_each_accepted_kind_is_recognised_from_its_content(
    client: httpx.AsyncClient, author: User, content: bytes, mime_type: str, kind: str
) -> None:
    # The name and the client's Content-Type say "text"; only the content counts.
    response = await upload(client, author, content, "notes.txt", "text/plain")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["mime_type"], body["type"]) == (mime_type, kind)
    if kind != MediaType.IMAGE:
        assert body["width"] is None
        assert body["height"] is None


async def test_a_png_named_like_a_pdf_is_a_png(client: httpx.AsyncClient, author: User) -> None:
    response = await upload(client, author, image(), "report.pdf", "application/pdf")
    assert response.status_code == 201
    assert response.json()["mime_type"] == "image/png"


@pytest.mark.parametrize(
    "content",
    [
        b"just some text pretending to be an image\n",  # a fake .png
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04" + b"\0" * 64,  # a plain zip
        b"MZ" + b"\0" * 64,  # a Windows executable
    ],
)
async def test_other_content_is_refused_with_415(
    client: httpx.AsyncClient, db: AsyncSession, author: User, files_dir: Path, content: bytes
) -> None:
    response = await upload(client, author, content, "photo.png", "image/png")
    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await media_rows(db) == []
    assert stored_files(files_dir) == []


async def test_a_file_above_the_setting_is_refused_with_413(
    client: httpx.AsyncClient, db: AsyncSession, author: User, files_dir: Path
) -> None:
    await create_setting(db, "uploads.max_file_mb", 1, SettingType.INTEGER)
    limit = 1024 * 1024
    too_big = PDF + b"\0" * (limit + 1 - len(PDF))

    response = await upload(client, author, too_big, "big.pdf")
    assert response.status_code == 413, response.text
    assert await media_rows(db) == []
    assert stored_files(files_dir) == []

    just_fits = PDF + b"\0" * (limit - len(PDF))
    assert (await upload(client, author, just_fits, "ok.pdf")).status_code == 201


async def test_an_image_pillow_cannot_read_is_refused_with_422(
    client: httpx.AsyncClient, db: AsyncSession, author: User, files_dir: Path
) -> None:
    broken = image()[:40]  # a PNG signature and header, then nothing
    response = await upload(client, author, broken)
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/unreadable_image")
    assert await media_rows(db) == []
    assert stored_files(files_dir) == []


async def test_a_decompression_bomb_is_refused_with_422(
    client: httpx.AsyncClient, db: AsyncSession, author: User, files_dir: Path
) -> None:
    response = await upload(client, author, png_header(100_000, 100_000))
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/image_too_large")
    assert await media_rows(db) == []
    assert stored_files(files_dir) == []


async def test_images_above_the_pixel_limit_are_refused(
    client: httpx.AsyncClient, author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_IMAGE_PIXELS", 100)
    assert (await upload(client, author, image("PNG", (10, 10)))).status_code == 201
    response = await upload(client, author, image("PNG", (11, 10)))
    assert response.status_code == 422
    assert response.json()["type"].endswith("/image_too_large")


async def test_admins_may_upload(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, files_dir: Path
) -> None:
    response = await upload(client, admin, PDF, "a.pdf")

    assert response.status_code == 201, response.text
    [row] = await media_rows(db)
    assert str(row.uuid) == response.json()["uuid"]
    assert (row.user_id, row.file_name, row.size) == (admin.id, "a.pdf", len(PDF))
    [stored] = stored_files(files_dir)
    assert stored.read_bytes() == PDF


async def test_students_and_applicants_may_not_upload(
    client: httpx.AsyncClient, db: AsyncSession, student: User, files_dir: Path
) -> None:
    applicant = await create_user(db)
    await create_profile(db, applicant, status=InstructorProfileStatus.PENDING)
    unapproved_instructor = await create_user(db, role=UserRole.INSTRUCTOR)

    for user in (student, applicant, unapproved_instructor):
        response = await upload(client, user, image())
        assert response.status_code == 403, response.text
    assert await media_rows(db) == []
    assert stored_files(files_dir) == []


async def test_uploading_needs_a_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    assert (await upload(client, None, image())).status_code == 401
    assert await media_rows(db) == []


@pytest.mark.parametrize(
    "data",
    [
        {"role": "admin"},
        {"user_id": "1"},
        {"mime_type": "image/png"},
        {"name": "x" * 256},
        {"name": "   "},
        {"alt_text": "x" * 501},
        {"name": "bad\u0000name"},
        {"caption": "bad\u0000caption"},
    ],
)
async def test_bad_form_fields_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, author: User, data: dict[str, str]
) -> None:
    response = await upload(client, author, image(), **data)
    assert response.status_code == 422, response.text
    assert await media_rows(db) == []


async def test_a_file_is_required(
    client: httpx.AsyncClient, db: AsyncSession, author: User
) -> None:
    from tests.conftest import bearer

    missing = await client.post(BASE, data={"name": "x"}, headers=bearer(author))
    assert missing.status_code == 422
    as_text = await client.post(BASE, data={"file": "not a file"}, headers=bearer(author))
    assert as_text.status_code == 422
    empty = await upload(client, author, b"")
    assert empty.status_code == 422
    assert await media_rows(db) == []
