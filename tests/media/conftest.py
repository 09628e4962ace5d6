"""Fixtures of the media tests: a temporary storage, people, real small files."""

from __future__ import annotations

import io
import struct
import wave
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import Media, User
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.instructors import create_admin
from tests.factories.media import create_author

BASE = "/api/v1/media"


@pytest.fixture(autouse=True)
def files_dir(files: Path) -> Path:
    """Uploaded files land in a temporary folder, not ./storage (tests/conftest.py)."""
    return files


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
async def author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def other_author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db)


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_admin(db)


# -- real small files ----------------------------------------------------------------------


def image(fmt: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 80)
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A well-formed PNG that claims ``width`` x ``height`` pixels: tiny on disk, gigabytes
    once decoded (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


async def upload(
    client: httpx.AsyncClient,
    user: User | None,
    content: bytes,
    file_name: str = "picture.png",
    content_type: str = "application/octet-stream",
    **data: Any,
) -> httpx.Response:
    return await client.post(
        BASE,
        files={"file": (file_name, content, content_type)},
        data=data,
        headers=bearer(user) if user is not None else {},
    )


async def media_rows(db: AsyncSession) -> list[Media]:
    return list(
        await db.scalars(select(Media).order_by(Media.id).execution_options(populate_existing=True))
    )


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return sum(1 for s in self.statements if "SAVEPOINT" not in s.upper())


@pytest.fixture
def queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    counter = QueryCounter()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", record)
