"""Certificates: issued once when a learner completes a course that has one, with the names
frozen and a number nobody can guess; verified by anyone; listed for their holder."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.certificates.service import new_number
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate, Course, LessonType, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course


@pytest.fixture
async def teacher(db: AsyncSession) -> User:
    return await create_instructor(db, name="Grace Hopper")


@pytest.fixture
async def learner(db: AsyncSession) -> User:
    return await create_user(db, name="Ada Lovelace")


@pytest.fixture
async def course(db: AsyncSession, teacher: User) -> Course:
    return await create_published_course(db, teacher, title="Compilers", duration_minutes=150)


async def completed(db: AsyncSession, learner: User, course: Course) -> CourseCompleted:
    enrollment = await create_enrollment(db, learner, course, completed_at=utcnow())
    return CourseCompleted(enrollment.id, learner.id, course.id)


async def test_completing_a_course_through_its_last_lesson_issues_a_certificate(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, course: Course
) -> None:
    section = await create_section(db, course)
    lesson = await create_lesson(db, section, type=LessonType.TEXT, content="<p>Done</p>")
    course.total_lectures = 1
    await create_enrollment(db, learner, course, total_lessons=1)

    done = await client.post(
        f"/api/v1/learn/{course.uuid}/lessons/{lesson.uuid}/complete", headers=bearer(learner)
    )

    assert done.status_code == 200, done.text
    certificate = await db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None
    assert (certificate.student_name, certificate.course_title, certificate.instructor_name) == (
        "Ada Lovelace",
        "Compilers",
        "Grace Hopper",
    )
    assert str(certificate.course_duration_hours) == "2.50"
    assert re.fullmatch(
        r"LC-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", certificate.certificate_number
    )
    assert certificate.verification_url == (
        f"http://localhost:8000/certificates/{certificate.certificate_number}"
    )


async def test_a_course_completed_twice_has_one_certificate_and_names_stay_as_issued(
    db: AsyncSession, learner: User, course: Course
) -> None:
    fact = await completed(db, learner, course)

    await events.publish(db, fact)
    learner.name = "Ada King"
    await db.flush()
    await events.publish(db, fact)

    names = list(await db.scalars(select(Certificate.student_name)))
    assert names == ["Ada Lovelace"]


async def test_a_course_without_a_certificate_issues_none(
    db: AsyncSession, learner: User, course: Course
) -> None:
    course.has_certificate = False
    await db.flush()

    await events.publish(db, await completed(db, learner, course))

    assert await db.scalar(select(func.count()).select_from(Certificate)) == 0


async def test_anyone_verifies_a_certificate_and_sees_nothing_else_personal(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, course: Course
) -> None:
    await events.publish(db, await completed(db, learner, course))
    number = await db.scalar(select(Certificate.certificate_number))

    valid = await client.get(f"/api/v1/certificates/{number}")
    lower = await client.get(f"/api/v1/certificates/{(number or '').lower()}")

    assert valid.status_code == 200, valid.text
    assert valid.json() == {
        "certificate_number": number,
        "status": "valid",
        "reissued": False,
        "holder_name": "Ada Lovelace",
        "course_uuid": str(course.uuid),
        "course_title": "Compilers",
        "issue_date": f"{utcnow():%Y-%m-%d}",
        "expiry_date": None,
    }
    assert lower.json()["status"] == "valid"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"is_valid": False}, "revoked"),
        ({"expiry_date": (utcnow() - timedelta(days=1)).date()}, "expired"),
    ],
)
async def test_a_revoked_or_expired_certificate_says_so(
    client: httpx.AsyncClient,
    db: AsyncSession,
    learner: User,
    course: Course,
    change: dict[str, object],
    status: str,
) -> None:
    await events.publish(db, await completed(db, learner, course))
    await db.execute(update(Certificate).values(**change))
    number = await db.scalar(select(Certificate.certificate_number))

    answer = await client.get(f"/api/v1/certificates/{number}")

    assert answer.json()["status"] == status


async def test_an_unknown_or_malformed_number_is_refused(client: httpx.AsyncClient) -> None:
    unknown = await client.get(f"/api/v1/certificates/{new_number()}")
    malformed = await client.get("/api/v1/certificates/LC-0000-0000-0000")

    assert (unknown.status_code, unknown.json()["type"].rsplit("/", 1)[-1]) == (
        404,
        "certificate_not_found",
    )
    assert malformed.status_code == 422


async def test_lookups_are_rate_limited_per_address(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = client._transport.app.state.rate_limiter  # type: ignore[attr-defined]
    monkeypatch.setattr(limiter.settings, "certificate_rate", "3/minute")

    answers = [await client.get(f"/api/v1/certificates/{new_number()}") for _ in range(4)]

    assert [a.status_code for a in answers] == [404, 404, 404, 429]


async def test_a_learner_lists_their_own_certificates(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, teacher: User, course: Course
) -> None:
    other = await create_published_course(db, teacher, title="Operating Systems")
    stranger = await create_user(db)
    for each in (course, other):
        await events.publish(db, await completed(db, learner, each))
    await events.publish(db, await completed(db, stranger, course))

    mine = await client.get("/api/v1/me/certificates", headers=bearer(learner))

    assert mine.status_code == 200
    assert sorted(c["course_title"] for c in mine.json()["items"]) == [
        "Compilers",
        "Operating Systems",
    ]
    assert {c["status"] for c in mine.json()["items"]} == {"valid"}


async def test_a_certificate_comes_with_its_linkedin_add_to_profile_link(
    client: httpx.AsyncClient, db: AsyncSession, learner: User, course: Course
) -> None:
    await events.publish(db, await completed(db, learner, course))
    await db.execute(
        update(Certificate).values(expiry_date=(utcnow() + timedelta(days=400)).date())
    )

    [shown] = (await client.get("/api/v1/me/certificates", headers=bearer(learner))).json()["items"]

    link = urlsplit(shown["linkedin_url"])
    fields = dict(parse_qsl(link.query))
    expires = (utcnow() + timedelta(days=400)).date()
    assert (link.netloc, link.path) == ("www.linkedin.com", "/profile/add")
    assert fields == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Compilers",
        "organizationName": "Lectern",
        "issueYear": str(utcnow().year),
        "issueMonth": str(utcnow().month),
        "expirationYear": str(expires.year),
        "expirationMonth": str(expires.month),
        "certUrl": shown["verification_url"],
        "certId": shown["certificate_number"],
    }
