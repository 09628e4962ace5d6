"""Reissuing a certificate: when its holder corrects their name, or when an admin says so.

The certificate keeps its row (one per learner and course) and gets a new number, a new
uuid and the names and title as they are now; the number it had is kept in
``certificate_reissues``, where the verification finds it revoked. Credentials follow the
same way: the one made under the old number points at a status bit that is now set, and
the new one at a bit of its own (the reissue row's id, in the lists past
``status_list.REISSUED``). The PDF is rendered again by a job.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events, jobs
from lectern.certificates.events import CertificateReissued
from lectern.certificates.service import new_number
from lectern.certificates.tasks import render_certificate
from lectern.kit.links import app_link
from lectern.kit.types import utcnow
from lectern.models import Certificate, CertificateReissue, Course, User
from lectern.users.events import NameChanged


async def reissue(session: AsyncSession, certificate: Certificate, reason: str) -> Certificate:
    session.add(
        CertificateReissue(
            certificate_id=certificate.id,
            old_number=certificate.certificate_number,
            old_student_name=certificate.student_name,
            reason=reason,
        )
    )
    holder, title, instructor = (
        await session.execute(
            select(User.name, Course.title, Course.instructor_id)
            .join(Course, Course.id == certificate.course_id)
            .where(User.id == certificate.user_id)
        )
    ).one()
    number = new_number()
    certificate.uuid = uuid.uuid4()
    certificate.certificate_number = number
    certificate.verification_url = app_link("certificate", number=number)
    certificate.student_name = holder
    certificate.course_title = title
    certificate.instructor_name = await session.scalar(
        select(User.name).where(User.id == instructor)
    )
    certificate.pdf_path = None
    certificate.image_path = None
    certificate.is_valid = True
    certificate.notes = f"Reissued: {reason}"
    certificate.updated_at = utcnow()
    await session.flush()
    jobs.after_commit(session, render_certificate, certificate_id=certificate.id)
    await events.publish(
        session, CertificateReissued(certificate.id, certificate.user_id, certificate.course_id)
    )
    return certificate


async def reissue_for_new_name(session: AsyncSession, event: NameChanged) -> None:
    """The holder's valid certificates are made out to the name they corrected."""
    held = await session.scalars(
        select(Certificate).where(
            Certificate.user_id == event.user_id,
            Certificate.is_valid.is_(True),
            Certificate.deleted_at.is_(None),
            Certificate.student_name != event.new_name,
        )
    )
    for certificate in list(held):
        await reissue(session, certificate, "the holder's name was corrected")
