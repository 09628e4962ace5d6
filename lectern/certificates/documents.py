"""A certificate as a PDF (WeasyPrint), with a QR code (segno) that opens its verification:
rendered once from what was frozen at issue, stored, and served as stored."""

from __future__ import annotations

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit import documents
from lectern.models import Certificate
from lectern.platform.service import get_value

_templates = Environment(
    loader=PackageLoader("lectern.certificates", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)


async def certificate_pdf(session: AsyncSession, certificate: Certificate) -> bytes:
    if certificate.pdf_path:
        return await documents.read(certificate.pdf_path)
    url = certificate.verification_url or ""
    html = _templates.get_template("certificate.html").render(
        site_name=await get_value(session, "site.name", "Lectern") or "Lectern",
        number=certificate.certificate_number,
        student_name=certificate.student_name,
        course_title=certificate.course_title,
        instructor_name=certificate.instructor_name,
        completion_date=f"{certificate.completion_date:%d %B %Y}",
        issue_date=f"{certificate.issue_date:%d %B %Y}",
        expiry_date=f"{certificate.expiry_date:%d %B %Y}" if certificate.expiry_date else "",
        hours=certificate.course_duration_hours or "",
        verification_url=url,
        qr=segno.make(url, error="m").svg_data_uri(scale=4, border=1),
    )
    key = f"certificates/{certificate.certificate_number}.pdf"
    return await documents.render_once(session, certificate, "pdf_path", key, html)
