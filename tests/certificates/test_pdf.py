"""A certificate as a PDF: rendered once when issued, with its holder's name in any script,
its course, its number and the address that verifies it; only for its holder."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.kit.storage import storage
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate, Course, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\x00", "")


async def certified(client: httpx.AsyncClient, db: AsyncSession, learner: User) -> Certificate:
    teacher = await create_instructor(db, name="Grace Hopper")
    course: Course = await create_published_course(db, teacher, title="Compilers")
    enrollment = await create_enrollment(db, learner, course)
    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))
    certificate = await db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None
    return certificate


@pytest.mark.parametrize("name", ["Ada Lovelace", "山田 太郎", "Ольга Иванова", "ليلى حداد"])
async def test_a_holder_downloads_their_certificate(
    client: httpx.AsyncClient, db: AsyncSession, name: str
) -> None:
    learner = await create_user(db, name=name)
    certificate = await certified(client, db, learner)
    url = f"/api/v1/me/certificates/{certificate.uuid}/certificate.pdf"

    pdf = await client.get(url, headers=bearer(learner))
    again = await client.get(url, headers=bearer(learner))

    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = text_of(pdf.content)
    for shown in (name, "Compilers", "Grace Hopper", certificate.certificate_number):
        assert shown in text
    # The verification page's address, however the PDF's lines break it.
    unbroken = "".join(text.split())
    assert f"localhost:8000/certificates/{certificate.certificate_number}" in unbroken
    await db.refresh(certificate)
    assert certificate.pdf_path == f"certificates/{certificate.certificate_number}.pdf"
    assert await storage().exists(certificate.pdf_path)
    assert again.content == pdf.content


async def test_nobody_else_downloads_a_certificate(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    learner, stranger = await create_user(db), await create_user(db)
    certificate = await certified(client, db, learner)

    answer = await client.get(
        f"/api/v1/me/certificates/{certificate.uuid}/certificate.pdf", headers=bearer(stranger)
    )

    assert answer.status_code == 404


async def test_the_png_preview_is_the_pdfs_page_kept_once(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    learner = await create_user(db, name="Ada Lovelace")
    certificate = await certified(client, db, learner)
    url = f"/api/v1/me/certificates/{certificate.uuid}/certificate.png"

    png = await client.get(url, headers=bearer(learner))
    other = await client.get(url, headers=bearer(await create_user(db)))

    assert png.status_code == 200, png.text
    assert png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.width == 1200
    assert image.height < image.width  # A4 landscape
    # Not a blank page: the drawing has dark ink somewhere.
    assert image.convert("L").getextrema()[0] < 100
    await db.refresh(certificate)
    assert certificate.image_path == f"certificates/{certificate.certificate_number}.png"
    assert other.status_code == 404
