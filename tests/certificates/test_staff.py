"""Certificates as staff see them: an instructor the ones of their courses, admins every one;
admins revoke; a refund revokes the certificate of the course it took back."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.learning.events import CourseCompleted
from lectern.models import ActivityLog, Certificate, Course, Enrollment, User
from tests.auth.helpers import assert_problem
from tests.commerce.payments import deliver, event, place
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course


async def certify(db: AsyncSession, learner: User, course: Course) -> Certificate:
    enrollment = await db.scalar(
        select(Enrollment).where(
            Enrollment.user_id == learner.id, Enrollment.course_id == course.id
        )
    ) or await create_enrollment(db, learner, course)
    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))
    found = await db.scalar(
        select(Certificate).where(
            Certificate.user_id == learner.id, Certificate.course_id == course.id
        )
    )
    assert found is not None
    return found


async def test_an_instructor_sees_the_certificates_of_their_course_only(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    teacher, rival = await create_instructor(db), await create_instructor(db)
    course = await create_published_course(db, teacher, title="Mine")
    elsewhere = await create_published_course(db, rival, title="Theirs")
    learner = await create_user(db, name="Ada Lovelace")
    await certify(db, learner, course)
    await certify(db, learner, elsewhere)

    mine = await client.get(
        f"/api/v1/studio/courses/{course.uuid}/certificates", headers=bearer(teacher)
    )
    theirs = await client.get(
        f"/api/v1/studio/courses/{course.uuid}/certificates", headers=bearer(rival)
    )
    by_student = await client.get(
        f"/api/v1/studio/courses/{course.uuid}/certificates", headers=bearer(learner)
    )

    assert [c["course_title"] for c in mine.json()["items"]] == ["Mine"]
    assert theirs.status_code == 404
    assert by_student.status_code == 403


async def test_an_admin_finds_and_revokes_a_certificate(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    teacher = await create_instructor(db)
    learner = await create_user(db, name="Ada Lovelace")
    certificate = await certify(db, learner, await create_published_course(db, teacher))
    url = f"/api/v1/admin/certificates/{certificate.uuid}/revoke"

    found = await client.get("/api/v1/admin/certificates?q=lovelace", headers=bearer(admin))
    refused = await client.post(url, json={"reason": "x"}, headers=bearer(learner))
    revoked = await client.post(url, json={"reason": "Plagiarised project"}, headers=bearer(admin))
    again = await client.post(url, json={"reason": "again"}, headers=bearer(admin))
    checked = await client.get(f"/api/v1/certificates/{certificate.certificate_number}")

    assert [c["uuid"] for c in found.json()["items"]] == [str(certificate.uuid)]
    assert refused.status_code == 403
    assert revoked.json()["status"] == "revoked"
    assert_problem(again, 409, "already_revoked")
    assert checked.json()["status"] == "revoked"
    logged = await db.scalar(select(ActivityLog.event).where(ActivityLog.causer_id == admin.id))
    assert logged == "certificate.revoked"


async def test_a_refund_revokes_the_certificate_of_the_course_it_took_back(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin, seller, buyer = (
        await create_admin(db),
        await create_instructor(db),
        await create_user(db),
    )
    course = await create_published_course(db, seller, price=Decimal("20.00"))
    placed = await place(client, db, buyer, course)
    await deliver(client, event(placed))
    certificate = await certify(db, buyer, course)
    asked = await client.post(
        f"/api/v1/orders/{placed.uuid}/refund-requests", json={"reason": "x"}, headers=bearer(buyer)
    )

    await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    await db.refresh(certificate)
    assert (certificate.is_valid, certificate.notes) == (False, "Revoked: the course was refunded")
