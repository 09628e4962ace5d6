"""Secrets kept in the database, sealed: encrypted and authenticated (Fernet: AES-128-CBC
with an HMAC-SHA256), with a key derived from ``LECTERN_SECRET_KEY``.

Without that setting, a random secret is made once and kept in ``.secret-key`` beside the
stored files (readable by its owner only), so that an embedded install keeps its secrets
across restarts; a cluster sets the same ``LECTERN_SECRET_KEY`` in every process.
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lectern.config import app_settings, storage_settings
from lectern.errors import ConfigurationError


def _secret_file() -> Path:
    return storage_settings().storage_dir.resolve().parent / ".secret-key"


def _stored_secret() -> str:
    path = _secret_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@lru_cache
def derived_key(purpose: bytes) -> bytes:
    """A 32-byte key for ``purpose`` (HKDF-SHA256 of the secret): sealing, signing links..."""
    secret = app_settings().secret_key or _stored_secret()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


@lru_cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key(b"lectern sealing")))


def seal(plain: bytes) -> str:
    return _fernet().encrypt(plain).decode("ascii")


def unseal(sealed: str) -> bytes:
    try:
        return _fernet().decrypt(sealed.encode("ascii"))
    except InvalidToken as error:
        raise ConfigurationError(
            "a sealed secret does not open with this LECTERN_SECRET_KEY: it was sealed with "
            "another one"
        ) from error


def forget_key() -> None:
    """Read the key again (after the settings changed, in tests)."""
    _fernet.cache_clear()
    derived_key.cache_clear()
