"""A certificate as a PDF (WeasyPrint), with a QR code (segno) that opens its verification:
rendered once from what was frozen at issue, with the template frozen with it (or the one
that ships with Lectern), stored, and served as stored."""

from __future__ import annotations

import asyncio
from typing import Any

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.certificates import designs
from lectern.kit import documents
from lectern.models import Certificate, CertificateTemplate
from lectern.platform.service import get_value

_shipped = Environment(
    loader=PackageLoader("lectern.certificates", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)


async def values_of(session: AsyncSession, certificate: Certificate) -> dict[str, Any]:
    """What a template may show of ``certificate`` (the names of designs.VARIABLES)."""
    url = certificate.verification_url or ""
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=1)
    instructor = certificate.instructor_name
    values: dict[str, Any] = {
        "site_name": await get_value(session, "site.name", "Lectern") or "Lectern",
        "student_name": certificate.student_name,
        "course_title": certificate.course_title,
        "instructor_name": instructor,
        "instructor_names": [instructor] if instructor else [],
        "completion_date": f"{certificate.completion_date:%d %B %Y}",
        "issue_date": f"{certificate.issue_date:%d %B %Y}",
        "expiry_date": f"{certificate.expiry_date:%d %B %Y}" if certificate.expiry_date else "",
        "hours": certificate.course_duration_hours or "",
        "score": certificate.final_score if certificate.final_score is not None else "",
        "grade": certificate.grade or "",
        "certificate_number": certificate.certificate_number,
        "number": certificate.certificate_number,
        "verification_url": url,
        "qr_image": qr,
        "qr": qr,
    }
    assert set(values) == set(designs.VARIABLES)
    return values


async def certificate_pdf(session: AsyncSession, certificate: Certificate) -> bytes:
    if certificate.pdf_path:
        return await documents.read(certificate.pdf_path)
    values = await values_of(session, certificate)
    template = (
        await session.get(CertificateTemplate, certificate.template_id)
        if certificate.template_id is not None
        else None
    )
    if template is not None and template.deleted_at is None:
        html = await designs.html_of(template, values)
    else:
        html = _shipped.get_template("certificate.html").render(values)
    key = f"certificates/{certificate.certificate_number}.pdf"
    return await documents.render_once(session, certificate, "pdf_path", key, html)


async def certificate_png(session: AsyncSession, certificate: Certificate) -> bytes:
    """The certificate's PNG preview: its PDF's page, drawn once and kept."""
    if certificate.image_path:
        return await documents.read(certificate.image_path)
    pdf = await certificate_pdf(session, certificate)
    key = f"certificates/{certificate.certificate_number}.png"
    return await documents.keep_once(
        session, certificate, "image_path", key, lambda: documents.pdf_to_png(pdf)
    )


async def preview_pdf(template: CertificateTemplate) -> bytes:
    """``template`` drawn with the sample values (not stored)."""
    html = await designs.html_of(template, dict(designs.SAMPLE))
    return await asyncio.to_thread(documents.html_to_pdf, html)
