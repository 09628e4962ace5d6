"""The keys that sign credentials. The newest key not retired signs; every key stays
published (``GET /credentials/keys``, a JWK set), so that a credential signed before a
rotation still verifies. The first key is made when the first credential is asked for."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.sealing import seal, unseal
from lectern.kit.types import utcnow
from lectern.models import CredentialKey

ALGORITHM = "RS256"
RSA_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey


# Unsealed keys by kid, for this process (a key never changes once made).
_unsealed: dict[str, rsa.RSAPrivateKey] = {}


def _new_key() -> CredentialKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    kid = f"{utcnow():%Y%m%d}-{secrets.token_hex(4)}"
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _unsealed[kid] = private
    return CredentialKey(
        kid=kid,
        algorithm=ALGORITHM,
        public_jwk={**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"},
        private_key_sealed=seal(pem),
    )


async def signing_key(session: AsyncSession) -> SigningKey:
    """The key that signs now (made on first use)."""
    key = await session.scalar(
        select(CredentialKey)
        .where(CredentialKey.retired_at.is_(None))
        .order_by(CredentialKey.id.desc())
        .limit(1)
    )
    if key is None:
        key = _new_key()
        session.add(key)
        await session.flush()
    private = _unsealed.get(key.kid)
    if private is None:
        loaded = serialization.load_pem_private_key(unseal(key.private_key_sealed), None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        private = _unsealed[key.kid] = loaded
    return SigningKey(key.kid, private)


async def rotate(session: AsyncSession) -> CredentialKey:
    """Retire the signing key (it still verifies) and make the next one."""
    await session.execute(
        update(CredentialKey)
        .where(CredentialKey.retired_at.is_(None))
        .values(retired_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    key = _new_key()
    session.add(key)
    await session.flush()
    return key


async def key_set(session: AsyncSession) -> dict[str, Any]:
    """Every key's public half, newest first, as a JWK set."""
    found = await session.scalars(
        select(CredentialKey.public_jwk).order_by(CredentialKey.id.desc())
    )
    return {"keys": list(found)}
