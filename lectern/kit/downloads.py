"""Files sent to the client: a stored file and how it goes out as an attachment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse


@dataclass(frozen=True)
class Download:
    file_name: str
    media_type: str
    size: int
    chunks: AsyncIterator[bytes]


def attachment(download: Download, headers: dict[str, str] | None = None) -> StreamingResponse:
    """Stream ``download`` as an attachment under its original name (UTF-8, RFC 6266), with
    its length, and never sniffed by the browser; ``headers`` adds to them."""
    return StreamingResponse(
        download.chunks,
        media_type=download.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(download.file_name)}",
            "Content-Length": str(download.size),
            "X-Content-Type-Options": "nosniff",
            **(headers or {}),
        },
    )


# The 200 of a route answering a PDF, as the OpenAPI document shows it.
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF."}
}


def pdf_attachment(content: bytes, name: str) -> Response:
    """A stored PDF (an invoice, a certificate) as the attachment ``name``.pdf, kept by the
    browser's cache only (it is someone's own document)."""
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{quote(name)}.pdf"',
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )
