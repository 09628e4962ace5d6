"""Where uploaded files live: a small interface, with the local disk as the default.

Paths are relative keys ("resources/ab/abcdef….pdf"); a storage maps them to bytes. A
cloud object store would implement the same four methods.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Protocol

from lectern.config import storage_settings
from lectern.errors import LecternError


class Storage(Protocol):
    async def save(self, key: str, content: bytes) -> None: ...
    def open(self, key: str) -> AsyncIterator[bytes]: ...
    async def delete(self, key: str) -> None: ...
    async def exists(self, key: str) -> bool: ...


def new_key(folder: str, suffix: str) -> str:
    """A fresh, unguessable key in ``folder`` ("resources/3f/3f9c….pdf")."""
    token = secrets.token_hex(16)
    clean = "".join(c for c in suffix.lower() if c.isalnum())[:10]
    return f"{folder}/{token[:2]}/{token}{'.' + clean if clean else ''}"


class LocalStorage:
    CHUNK = 1 << 16

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        relative = PurePosixPath(key)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise LecternError(f"invalid storage key {key!r}", status=500, code="storage_error")
        return self.root.joinpath(*relative.parts)

    async def save(self, key: str, content: bytes) -> None:
        path = self._path(key)
        await asyncio.to_thread(_write, path, content)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        handle = await asyncio.to_thread(path.open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, self.CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_bytes(content)
    temporary.replace(path)  # readers never see half a file


@lru_cache
def storage() -> Storage:
    return LocalStorage(storage_settings().storage_dir)
