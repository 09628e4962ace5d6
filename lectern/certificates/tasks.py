"""Background jobs of certificates: rendering a certificate's PDF and PNG once it is issued."""

from __future__ import annotations

from lectern.certificates import documents
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.models import Certificate


@broker.task(task_name="lectern.certificates.render")
async def render_certificate(certificate_id: int) -> None:
    """Render and store the certificate's PDF and its PNG preview (what is stored already
    is kept)."""
    async with unit_of_work() as session:
        certificate = await session.get(Certificate, certificate_id)
        if certificate is not None and not certificate.image_path:
            await documents.certificate_png(session, certificate)
