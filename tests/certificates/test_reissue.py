"""Reissuing: a corrected name reissues the holder's certificates under new numbers; the
old numbers verify as revoked, and so do the credentials made under them, through the
status lists; admins reissue too."""

from __future__ import annotations

import httpx
import pytest
from openbadgeslib.ob3 import OB3VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.certificates.credentials import status_list
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import ActivityLog, Certificate, CertificateReissue, User
from tests.certificates.test_credentials import fetch_credential, status_fetcher, verifier_for
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course


@pytest.fixture
async def learner(db: AsyncSession) -> User:
    return await create_user(db, name="Ada Lovelase")


@pytest.fixture
async def certificate(db: AsyncSession, learner: User) -> Certificate:
    course = await create_published_course(db, await create_instructor(db), title="Compilers")
    enrollment = await create_enrollment(db, learner, course, completed_at=utcnow())
    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))
    found = await db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert found is not None
    return found


async def test_a_corrected_name_reissues_the_certificate_and_revokes_the_old_number(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, certificate: Certificate
) -> None:
    old_number, old_uuid = certificate.certificate_number, certificate.uuid
    old_token = await fetch_credential(client, certificate)

    renamed = await client.patch(
        "/api/v1/users/me", json={"name": "Ada Lovelace"}, headers=bearer(learner)
    )

    assert renamed.status_code == 200, renamed.text
    await db.refresh(certificate)
    assert certificate.student_name == "Ada Lovelace"
    assert certificate.certificate_number != old_number
    assert certificate.uuid != old_uuid
    assert certificate.is_valid is True
    old = await client.get(f"/api/v1/certificates/{old_number}")
    new = await client.get(f"/api/v1/certificates/{certificate.certificate_number}")
    assert (old.json()["status"], old.json()["reissued"], old.json()["holder_name"]) == (
        "revoked",
        True,
        "Ada Lovelase",
    )
    assert (new.json()["status"], new.json()["holder_name"]) == ("valid", "Ada Lovelace")
    page = await client.get(f"/certificates/{old_number}")
    assert "reissued under a new number" in page.text

    # The credential made under the old number is revoked; the new one verifies.
    with pytest.raises(OB3VerificationError, match="revocation"):
        (await verifier_for(client, old_token)).verify(
            old_token, check_status=True, download=await status_fetcher(client, old_token)
        )
    new_token = await fetch_credential(client, certificate)
    (await verifier_for(client, new_token)).verify(
        new_token, check_status=True, download=await status_fetcher(client, new_token)
    )
    reissue_id = await db.scalar(select(CertificateReissue.id))
    assert reissue_id is not None
    list_number, _ = status_list.place(certificate.id, reissue_id)
    assert list_number == status_list.REISSUED + 1


async def test_a_second_reissue_revokes_the_first_ones_credential(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, certificate: Certificate
) -> None:
    await client.patch("/api/v1/users/me", json={"name": "Ada Byron"}, headers=bearer(learner))
    await db.refresh(certificate)
    first_reissue = await fetch_credential(client, certificate)

    await client.patch("/api/v1/users/me", json={"name": "Ada King"}, headers=bearer(learner))

    with pytest.raises(OB3VerificationError, match="revocation"):
        (await verifier_for(client, first_reissue)).verify(
            first_reissue, check_status=True, download=await status_fetcher(client, first_reissue)
        )


async def test_other_account_changes_reissue_nothing(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, certificate: Certificate
) -> None:
    number = certificate.certificate_number

    await client.patch(
        "/api/v1/users/me", json={"timezone": "Europe/Paris"}, headers=bearer(learner)
    )

    await db.refresh(certificate)
    assert certificate.certificate_number == number
    assert await db.scalar(select(CertificateReissue.id)) is None


async def test_an_admin_reissues_a_revoked_certificate(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    admin = await create_admin(db)
    base = f"/api/v1/admin/certificates/{certificate.uuid}"
    await client.post(f"{base}/revoke", json={"reason": "Checking"}, headers=bearer(admin))

    reissued = await client.post(
        f"{base}/reissue", json={"reason": "Checked: it stands"}, headers=bearer(admin)
    )
    by_learner = await client.post(
        f"/api/v1/admin/certificates/{reissued.json()['uuid']}/reissue",
        json={"reason": "x"},
        headers=bearer(await create_user(db)),
    )

    assert reissued.status_code == 200, reissued.text
    assert reissued.json()["status"] == "valid"
    assert reissued.json()["certificate_number"] != certificate.certificate_number
    assert by_learner.status_code == 403
    logged = await db.scalar(
        select(ActivityLog.event).where(ActivityLog.event == "certificate.reissued")
    )
    assert logged == "certificate.reissued"
