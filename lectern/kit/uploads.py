"""Reading uploaded files safely: a size limit while reading (413) and the type sniffed
from the content, never trusted from the file name or the client's header (415)."""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from fastapi import UploadFile

from lectern.errors import LecternError

CHUNK = 1 << 16


class PayloadTooLarge(LecternError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(LecternError):
    status = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class Upload:
    content: bytes
    file_name: str
    mime_type: str  # sniffed from the content
    extension: str  # the sniffed type's usual extension, without the dot

    @property
    def size(self) -> int:
        return len(self.content)


async def read_upload(file: UploadFile, *, max_bytes: int) -> bytes:
    """The whole file, or a 413 as soon as it passes ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"the file is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def sniff(content: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) recognised from the content's magic bytes, or None."""
    kind = filetype.guess(content)
    if kind is None:
        return None
    return str(kind.mime), str(kind.extension)


async def accept_upload(file: UploadFile, *, max_bytes: int, allowed: frozenset[str]) -> Upload:
    """Read ``file`` within the limit and check its sniffed type is one of ``allowed``
    (MIME types, or prefixes ending in "/" such as "image/")."""
    content = await read_upload(file, max_bytes=max_bytes)
    if not content:
        raise LecternError("the file is empty", status=422, code="empty_file")
    found = sniff(content)
    if found is None or not _allowed(found[0], allowed):
        shown = found[0] if found else "an unrecognised type"
        raise UnsupportedMediaType(f"this file is {shown}; accepted: {', '.join(sorted(allowed))}")
    name = (file.filename or "upload").replace("/", "_").replace("\\", "_")[:255]
    return Upload(content=content, file_name=name, mime_type=found[0], extension=found[1])


def _allowed(mime: str, allowed: frozenset[str]) -> bool:
    return mime in allowed or any(p.endswith("/") and mime.startswith(p) for p in allowed)
