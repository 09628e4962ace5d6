"""Files attached to rows (an assignment's, a submission's, a message's): stored through
lectern.kit.storage and listed in the row's JSON column as
``{"id", "name", "path", "size", "type"}``; ``id`` is a short random token that addresses
the file in URLs (the storage key never leaves the server).

A file is checked against the allowed types (extensions: an assignment's
``allowed_file_types``, messaging's list): its type is sniffed from the content, never
trusted from the name — a recognised type counts by its usual extension (``jpg`` also
matches ``jpeg``…); content that is not
recognised is accepted only as plain UTF-8 text whose file name has an allowed extension
(``txt``, ``md``, ``py``, ``csv``…). Anything else is a 415. The size limit is the caller's
(413): an assignment's ``max_file_size`` MB, capped by the platform's ``uploads.max_file_mb``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Path, UploadFile

from lectern.errors import LecternError, NotFound
from lectern.kit.downloads import Download
from lectern.kit.schemas import Output
from lectern.kit.storage import new_key, storage
from lectern.kit.uploads import UnsupportedMediaType, read_upload, sniff

# Extensions that name the same sniffed type.
ALIASES: dict[str, frozenset[str]] = {
    "jpg": frozenset({"jpg", "jpeg"}),
    "tif": frozenset({"tif", "tiff"}),
    "mp4": frozenset({"mp4", "m4v"}),
    "mid": frozenset({"mid", "midi"}),
}


class FileOut(Output):
    """A file as its row lists it (its storage key stays on the server)."""

    id: str
    name: str
    size: int
    type: str


# A file's id in a path.
FileId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")]

# Files per submission or message.
MAX_FILES = 10


@dataclass(frozen=True)
class Checked:
    content: bytes
    name: str
    mime_type: str
    extension: str


def _name(file: UploadFile) -> str:
    raw = (file.filename or "upload").replace("/", "_").replace("\\", "_")
    return "".join(c for c in raw if c.isprintable())[:255] or "file"


def _suffix(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _matches(extension: str, allowed: Iterable[str]) -> bool:
    names = ALIASES.get(extension, frozenset({extension}))
    return any(item in names for item in allowed)


async def check_file(file: UploadFile, *, max_bytes: int, allowed: list[str] | None) -> Checked:
    """The file's bytes within ``max_bytes`` (413) and of an ``allowed`` type (415)."""
    content = await read_upload(file, max_bytes=max_bytes)
    if not content:
        raise LecternError("the file is empty", status=422, code="empty_file")
    name = _name(file)
    shown = ", ".join(allowed) if allowed else "any recognised type or plain text"
    found = sniff(content)
    if found is not None:
        mime, extension = found
        if allowed is None or _matches(extension, allowed):
            return Checked(content, name, mime, extension)
        raise UnsupportedMediaType(f"this file is {extension} ({mime}); accepted: {shown}")
    suffix = _suffix(name)
    if _is_text(content) and suffix and (allowed is None or suffix in allowed):
        return Checked(content, name, "text/plain", suffix)
    raise UnsupportedMediaType(f"this file's type is not accepted; accepted: {shown}")


async def store(folder: str, checked: Checked) -> dict[str, Any]:
    """Save the file; its entry for the JSON list."""
    key = new_key(folder, checked.extension)
    await storage().save(key, checked.content)
    return {
        "id": secrets.token_hex(8),
        "name": checked.name,
        "path": key,
        "size": len(checked.content),
        "type": checked.mime_type,
    }


def public(entries: list[Any] | None) -> list[dict[str, Any]]:
    """The entries without their storage keys."""
    return [{k: v for k, v in entry.items() if k != "path"} for entry in entries or []]


def find(entries: list[Any] | None, file_id: str) -> dict[str, Any] | None:
    return next((entry for entry in entries or [] if entry.get("id") == file_id), None)


def download(entries: list[Any] | None, file_id: str) -> Download:
    """The file ``file_id`` of a JSON list of files, to send; 404 when there is none."""
    entry = find(entries, file_id)
    if entry is None:
        raise NotFound("no such file")
    return Download(
        file_name=entry["name"],
        media_type=entry.get("type") or "application/octet-stream",
        size=entry["size"],
        chunks=storage().open(entry["path"]),
    )
