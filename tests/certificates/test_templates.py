"""Certificate templates admins author: checked in a sandbox when saved, previewed as PDFs,
frozen on the certificates issued while they are the default; documents fetch nothing.
And what a certificate freezes besides: its expiry, the final score and the grade."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.certificates.service import expiry_of, letter_grade
from lectern.kit.storage import storage
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import (
    AssignmentSubmissionStatus,
    Certificate,
    CertificateTemplate,
    Course,
    User,
)
from tests.certificates.test_pdf import text_of
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course
from tests.factories.media import create_media

URL = "/api/v1/admin/certificate-templates"
DIPLOMA = (
    "<h1>Diploma of Excellence</h1><p>{{ student_name }} mastered {{ course_title }}"
    '{% if grade %} with grade {{ grade }}{% endif %}.</p><img src="{{ qr_image }}">'
)


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_admin(db)


async def author(client: httpx.AsyncClient, admin: User, **body: Any) -> httpx.Response:
    body.setdefault("name", "Diploma")
    body.setdefault("html_content", DIPLOMA)
    return await client.post(URL, json=body, headers=bearer(admin))


async def certify(db: AsyncSession, course: Course, learner: User) -> Certificate:
    enrollment = await create_enrollment(db, learner, course, completed_at=utcnow())
    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))
    found = await db.scalar(
        select(Certificate).where(
            Certificate.user_id == learner.id, Certificate.course_id == course.id
        )
    )
    assert found is not None
    return found


async def test_the_default_template_draws_the_certificates_issued_after(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    made = await author(client, admin, is_default=True, orientation="portrait", size="Letter")
    assert made.status_code == 201, made.text
    course = await create_published_course(db, await create_instructor(db), title="Compilers")
    learner = await create_user(db, name="<b>Bob</b> Tables")

    certificate = await certify(db, course, learner)
    pdf = await client.get(
        f"/api/v1/me/certificates/{certificate.uuid}/certificate.pdf", headers=bearer(learner)
    )

    assert certificate.template_id == made.json()["id"]
    text = text_of(pdf.content)
    assert "Diploma of Excellence" in text
    assert "<b>Bob</b> Tables mastered Compilers" in text  # escaped, never markup


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("{% if %}", "syntax"),
        ("{{ password }}", "an unknown value"),
        ("{{ ''.__class__.__mro__ }}", "a way out of the sandbox"),
        ("{{ student_name.__class__ }}", "a way out of the sandbox"),
    ],
)
async def test_a_template_that_does_not_render_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, html: str, why: str
) -> None:
    answer = await author(client, admin, html_content=html)

    assert answer.status_code == 422, why
    assert answer.json()["errors"][0]["loc"] == ["html_content"]
    assert await db.scalar(select(CertificateTemplate.id)) is None


async def test_one_default_at_a_time_and_admins_only(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    first = (await author(client, admin, is_default=True)).json()["id"]
    second = (await author(client, admin, name="Second", is_default=True)).json()["id"]
    teacher = await create_instructor(db)

    listed = await client.get(URL, headers=bearer(admin))
    refused = await author(client, teacher)

    assert [(t["id"], t["is_default"]) for t in listed.json()["items"]] == [
        (second, True),
        (first, False),
    ]
    assert refused.status_code == 403


@pytest.fixture
def listener() -> Iterator[list[str]]:
    """A local HTTP server recording every request it gets."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    asked.append(f"http://127.0.0.1:{server.server_port}")
    yield asked
    server.shutdown()


async def test_a_preview_renders_sample_values_and_fetches_nothing(
    client: httpx.AsyncClient, admin: User, listener: list[str]
) -> None:
    base = listener.pop()
    html = DIPLOMA + f'<img src="{base}/tracker.png"><link rel="stylesheet" href="{base}/x.css">'
    made = await author(
        client, admin, html_content=html, styles=f"body {{ background: url({base}/bg.png) }}"
    )

    preview = await client.post(f"{URL}/{made.json()['id']}/preview", headers=bearer(admin))

    assert preview.status_code == 200
    assert "Ada Lovelace mastered Building APIs with FastAPI with grade A" in text_of(
        preview.content
    )
    assert listener == []


async def test_a_background_image_comes_from_the_media_library(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f80f0000010101002718e3660000000049454e44ae426082"
    )
    image = await create_media(db, admin, file_path="media/aa/background.png")
    await storage().save(image.file_path, png)
    made = await author(client, admin, background_media=str(image.uuid), background_color="#fdf6e3")
    unknown = await author(client, admin, background_media="00000000-0000-0000-0000-000000000000")

    preview = await client.post(f"{URL}/{made.json()['id']}/preview", headers=bearer(admin))

    assert made.json()["has_background_image"] is True
    assert preview.status_code == 200
    assert unknown.status_code == 422


async def test_a_certificate_freezes_its_expiry_final_score_and_grade(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    course = await create_published_course(db, await create_instructor(db), title="Essays")
    course.certificate_valid_months = 24
    learner = await create_user(db)
    essay = await create_assignment(db, course, total_points=Decimal(100))
    await create_submission(
        db, essay, learner, status=AssignmentSubmissionStatus.GRADED, points_earned=Decimal("84")
    )

    certificate = await certify(db, course, learner)

    assert certificate.expiry_date == expiry_of(certificate.issue_date, 24)
    assert (certificate.final_score, certificate.grade) == (Decimal("84.00"), "B")


async def test_a_course_without_graded_items_gives_no_grade(db: AsyncSession) -> None:
    course = await create_published_course(db, await create_instructor(db))

    certificate = await certify(db, course, await create_user(db))

    assert (certificate.final_score, certificate.grade, certificate.expiry_date) == (
        None,
        None,
        None,
    )


def test_expiry_keeps_the_day_or_takes_the_months_last() -> None:
    assert expiry_of(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert expiry_of(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert expiry_of(date(2026, 3, 1), None) is None


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "A"),
        ("90", "A"),
        ("89.99", "B"),
        ("70", "C"),
        ("60", "D"),
        ("59.99", "F"),
        ("0", "F"),
    ],
)
def test_letter_grades(score: str, grade: str) -> None:
    assert letter_grade(Decimal(score)) == grade


async def test_studio_sets_how_long_certificates_last(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    teacher = await create_instructor(db)
    course = await create_published_course(db, teacher)

    changed = await client.patch(
        f"/api/v1/studio/courses/{course.uuid}",
        json={"certificate_valid_months": 12},
        headers=bearer(teacher),
    )
    refused = await client.patch(
        f"/api/v1/studio/courses/{course.uuid}",
        json={"certificate_valid_months": 0},
        headers=bearer(teacher),
    )

    assert changed.json()["certificate_valid_months"] == 12
    assert refused.status_code == 422
