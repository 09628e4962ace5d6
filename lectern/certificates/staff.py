"""What staff do with certificates: instructors see those of their courses; admins see all
and revoke one (with a reason); a refund revokes the certificate of the course it took back."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.certificates import reissue as reissues
from lectern.commerce.events import OrderRefunded
from lectern.courses.policy import Access, course_for
from lectern.errors import Conflict, NotFound
from lectern.kit.client import Client
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains
from lectern.kit.types import utcnow
from lectern.models import Certificate, Enrollment, EnrollmentStatus, User
from lectern.platform.activity import ADMIN, log_activity


def _newest(*conditions: Any) -> Select[Certificate]:
    return (
        select(Certificate)
        .where(*conditions)
        .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
    )


async def of_course(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, params: PageParams
) -> tuple[list[Certificate], PageMeta]:
    """The certificates of a course, for its instructors and admins."""
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    return await paginate(session, _newest(Certificate.course_id == course.id), params)


async def every(
    session: AsyncSession, q: str | None, params: PageParams
) -> tuple[list[Certificate], PageMeta]:
    """Every certificate, for admins: by number, holder's name or course title."""
    conditions = []
    if q:
        pattern = contains(q)
        conditions.append(
            Certificate.certificate_number.ilike(pattern, escape=LIKE_ESCAPE)
            | Certificate.student_name.ilike(pattern, escape=LIKE_ESCAPE)
            | Certificate.course_title.ilike(pattern, escape=LIKE_ESCAPE)
        )
    return await paginate(session, _newest(*conditions), params)


async def revoke(
    session: AsyncSession, admin: User, client: Client, certificate_uuid: uuid.UUID, reason: str
) -> Certificate:
    certificate = await session.scalar(
        select(Certificate).where(Certificate.uuid == certificate_uuid)
    )
    if certificate is None:
        raise NotFound("no such certificate")
    if not certificate.is_valid:
        raise Conflict("this certificate is revoked already", code="already_revoked")
    certificate.is_valid = False
    certificate.notes = f"Revoked: {reason}"
    log_activity(
        session,
        log_name=ADMIN,
        event="certificate.revoked",
        description=f"Revoked certificate {certificate.certificate_number}",
        causer=admin,
        subject=certificate,
        properties={"reason": reason},
        client=client,
    )
    await session.flush()
    return certificate


async def reissue(
    session: AsyncSession, admin: User, client: Client, certificate_uuid: uuid.UUID, reason: str
) -> Certificate:
    certificate = await session.scalar(
        select(Certificate).where(
            Certificate.uuid == certificate_uuid, Certificate.deleted_at.is_(None)
        )
    )
    if certificate is None:
        raise NotFound("no such certificate")
    old_number = certificate.certificate_number
    await reissues.reissue(session, certificate, reason)
    log_activity(
        session,
        log_name=ADMIN,
        event="certificate.reissued",
        description=f"Reissued certificate {old_number} as {certificate.certificate_number}",
        causer=admin,
        subject=certificate,
        properties={"reason": reason, "old_number": old_number},
        client=client,
    )
    return certificate


async def revoke_refunded(session: AsyncSession, event: OrderRefunded) -> None:
    """The courses a refund took back are no longer certified: their certificates go."""
    await session.execute(
        update(Certificate)
        .where(
            Certificate.is_valid.is_(True),
            Certificate.enrollment_id.in_(
                select(Enrollment.id).where(
                    Enrollment.order_id == event.order_id,
                    Enrollment.status == EnrollmentStatus.REFUNDED,
                )
            ),
        )
        .values(is_valid=False, notes="Revoked: the course was refunded", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
