"""Issuing certificates, and reading them.

When ``CourseCompleted`` is heard for a course with ``has_certificate``, a certificate is
issued once per learner and course (INSERT … ON CONFLICT on that pair: two completions racing
issue one), with a number nobody can guess (60 random bits in an alphabet read out without
ambiguity) and the names, title and figures frozen as they were at issue, so it reads the
same later whatever changes.
"""

from __future__ import annotations

import calendar
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events, jobs
from lectern.certificates import designs
from lectern.certificates.events import CertificateIssued
from lectern.certificates.tasks import render_certificate
from lectern.errors import NotFound
from lectern.gradebook.service import student_result
from lectern.kit.links import app_link
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate, CertificateReissue, Course, Enrollment, User

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def new_number() -> str:
    """LC-XXXX-XXXX-XXXX: 60 random bits, in groups a person can read out."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"LC-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


async def issue_on_completion(session: AsyncSession, event: CourseCompleted) -> None:
    course = await session.get_one(Course, event.course_id)
    if not course.has_certificate:
        return
    learner = await session.get_one(User, event.user_id)
    enrollment = await session.get(Enrollment, event.enrollment_id)
    instructor = await session.scalar(select(User.name).where(User.id == course.instructor_id))
    today = utcnow().date()
    completed = enrollment.completed_at.date() if enrollment and enrollment.completed_at else today
    number = new_number()
    result = await student_result(session, course, learner.id)
    values = {
        "uuid": uuid.uuid4(),
        "certificate_number": number,
        "user_id": learner.id,
        "course_id": course.id,
        "enrollment_id": event.enrollment_id,
        "student_name": learner.name,
        "course_title": course.title,
        "instructor_name": instructor,
        "completion_date": completed,
        "issue_date": today,
        "verification_url": app_link("certificate", number=number),
        "course_duration_hours": (Decimal(course.duration_minutes) / 60).quantize(Decimal("0.01")),
        "expiry_date": expiry_of(today, course.certificate_valid_months),
        "final_score": result.percentage,
        "grade": letter_grade(result.percentage),
        "template_id": await designs.default_template_id(session),
        "is_valid": True,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    if await insert_ignore(session, Certificate, values, ["user_id", "course_id"]):
        issued = await session.scalar(
            select(Certificate.id).where(Certificate.certificate_number == number)
        )
        assert issued is not None
        jobs.after_commit(session, render_certificate, certificate_id=issued)
        await events.publish(session, CertificateIssued(issued, learner.id, course.id))


# The letter a final score (percent) earns: the first whose floor it reaches.
GRADES = ((Decimal(90), "A"), (Decimal(80), "B"), (Decimal(70), "C"), (Decimal(60), "D"))


def letter_grade(percentage: Decimal | None) -> str | None:
    """The course's graded items as a letter (None when it has none graded)."""
    if percentage is None:
        return None
    return next((letter for floor, letter in GRADES if percentage >= floor), "F")


def expiry_of(issued: date, months: int | None) -> date | None:
    """The day a certificate issued on ``issued`` stops being valid (the same day of the
    month ``months`` later, or the month's last day)."""
    if months is None:
        return None
    month_index = issued.month - 1 + months
    year, month = issued.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(issued.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Verified:
    certificate: Certificate
    course_uuid: uuid.UUID
    status: str  # valid, revoked, expired
    number: str
    holder_name: str
    # The number asked about was the certificate's before it was reissued.
    reissued: bool = False


def _status(certificate: Certificate, today: date) -> str:
    if not certificate.is_valid or certificate.deleted_at is not None:
        return "revoked"
    if certificate.expiry_date is not None and certificate.expiry_date < today:
        return "expired"
    return "valid"


async def verify(session: AsyncSession, number: str) -> Verified:
    """The certificate of ``number``, as anyone may check it (404 for a number not issued);
    a number replaced by a reissue is revoked."""
    number = number.upper()
    row = (
        await session.execute(
            select(Certificate, Course.uuid)
            .join(Course, Course.id == Certificate.course_id)
            .where(Certificate.certificate_number == number)
        )
    ).first()
    if row is not None:
        certificate, course_uuid = row
        status = _status(certificate, utcnow().date())
        return Verified(certificate, course_uuid, status, number, certificate.student_name)
    replaced = (
        await session.execute(
            select(Certificate, Course.uuid, CertificateReissue.old_student_name)
            .join(Course, Course.id == Certificate.course_id)
            .join(CertificateReissue, CertificateReissue.certificate_id == Certificate.id)
            .where(CertificateReissue.old_number == number)
        )
    ).first()
    if replaced is None:
        raise NotFound("no certificate has this number", code="certificate_not_found")
    certificate, course_uuid, old_name = replaced
    return Verified(certificate, course_uuid, "revoked", number, old_name, reissued=True)


async def mine(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[Certificate], PageMeta]:
    statement = (
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.deleted_at.is_(None))
        .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
    )
    return await paginate(session, statement, params)


def status_of(certificate: Certificate) -> str:
    return _status(certificate, utcnow().date())


async def my_certificate(
    session: AsyncSession, user: User, certificate_uuid: uuid.UUID
) -> Certificate:
    """One of the user's certificates (404 for anyone else's)."""
    certificate = await session.scalar(
        select(Certificate).where(
            Certificate.uuid == certificate_uuid,
            Certificate.user_id == user.id,
            Certificate.deleted_at.is_(None),
        )
    )
    if certificate is None:
        raise NotFound("no such certificate")
    return certificate


def linkedin_url(certificate: Certificate, issuer: str) -> str:
    """LinkedIn's "Add to profile" link for ``certificate``: its name, the issuer, the month
    of issue (and of expiry), its verification address and its number, filled in."""
    fields: dict[str, object] = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": issuer,
        "issueYear": certificate.issue_date.year,
        "issueMonth": certificate.issue_date.month,
    }
    if certificate.expiry_date is not None:
        fields["expirationYear"] = certificate.expiry_date.year
        fields["expirationMonth"] = certificate.expiry_date.month
    fields["certUrl"] = certificate.verification_url or ""
    fields["certId"] = certificate.certificate_number
    return f"{LINKEDIN_ADD}?{urlencode(fields)}"
