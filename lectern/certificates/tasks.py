"""Background jobs of certificates: rendering a certificate's PDF once it is issued."""

from __future__ import annotations

from lectern.certificates import documents
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.models import Certificate


@broker.task(task_name="lectern.certificates.render")
async def render_certificate(certificate_id: int) -> None:
    """Render and store the certificate's PDF (nothing when it is stored already)."""
    async with unit_of_work() as session:
        certificate = await session.get(Certificate, certificate_id)
        if certificate is not None and not certificate.pdf_path:
            await documents.certificate_pdf(session, certificate)
