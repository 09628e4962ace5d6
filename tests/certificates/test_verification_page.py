"""The page a certificate's QR code opens: valid, revoked or expired, for whom and what,
for anyone and with no script."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course


@pytest.fixture
async def certificate(db: AsyncSession) -> Certificate:
    course = await create_published_course(db, await create_instructor(db), title="Compilers")
    learner = await create_user(db, name="Ada Lovelace", email="ada@school.test")
    enrollment = await create_enrollment(db, learner, course, completed_at=utcnow())
    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))
    found = await db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert found is not None
    return found


async def test_the_qr_code_opens_a_page_that_says_it_is_valid(
    client: httpx.AsyncClient, certificate: Certificate
) -> None:
    assert certificate.verification_url is not None
    path = certificate.verification_url.removeprefix("http://localhost:8000")

    page = await client.get(path.lower())

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "This certificate is valid." in page.text
    assert "Ada Lovelace" in page.text
    assert "Compilers" in page.text
    assert "ada@school.test" not in page.text
    assert f"/api/v1/certificates/{certificate.certificate_number}/credential" in page.text


async def test_a_revoked_and_an_expired_certificate_say_so(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    url = f"/certificates/{certificate.certificate_number}"
    certificate.expiry_date = utcnow().date() - timedelta(days=2)
    await db.flush()
    expired = await client.get(url)
    certificate.is_valid = False
    await db.flush()
    revoked = await client.get(url)

    assert "This certificate expired on" in expired.text
    assert "This certificate was revoked" in revoked.text


@pytest.mark.parametrize("number", ["LC-2222-2222-2222", "not-a-number", "LC-0000-0000-0000"])
async def test_a_number_not_issued_is_a_404_page(client: httpx.AsyncClient, number: str) -> None:
    page = await client.get(f"/certificates/{number}")

    assert page.status_code == 404
    assert "No certificate has this number." in page.text
