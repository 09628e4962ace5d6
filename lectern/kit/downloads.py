"""Files sent to the client: a stored file and how it goes out as an attachment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote

from fastapi.responses import StreamingResponse


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
