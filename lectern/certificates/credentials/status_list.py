"""The revocation status of credentials as W3C Bitstring Status Lists.

A certificate's place in the lists follows from its id: list ``(id - 1) // SIZE + 1``, bit
``(id - 1) % SIZE`` (SIZE = 131,072 bits, the smallest the specification allows, so that a
list hides which credential a verifier asks about among many). A list is built when asked
for, from the revoked certificates in its range (one indexed statement), and served as a
signed ``BitstringStatusListCredential``: revoking a certificate flips its bit at once.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.links import app_link
from lectern.kit.types import utcnow
from lectern.models import Certificate

SIZE = 131_072
PURPOSE = "revocation"


def place(certificate_id: int) -> tuple[int, int]:
    """(list number, bit index) of a certificate."""
    return (certificate_id - 1) // SIZE + 1, (certificate_id - 1) % SIZE


def entry(certificate_id: int) -> dict[str, Any]:
    """The credential's ``credentialStatus``."""
    number, index = place(certificate_id)
    url = app_link("credential_status", list=number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode(revoked: list[int]) -> str:
    """The bitstring with ``revoked`` bits set (index 0 the first byte's highest bit),
    gzipped, as multibase base64url (``u`` prefix, no padding)."""
    bits = bytearray(SIZE // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=")
    return "u" + packed.decode("ascii")


async def revoked_in(session: AsyncSession, number: int) -> list[int]:
    first = (number - 1) * SIZE + 1
    ids = await session.scalars(
        select(Certificate.id).where(
            Certificate.id.between(first, first + SIZE - 1),
            or_(Certificate.is_valid.is_(False), Certificate.deleted_at.is_not(None)),
        )
    )
    return [certificate_id - first for certificate_id in ids]


def status_list_credential(
    number: int, revoked: list[int], issuer: dict[str, Any]
) -> dict[str, Any]:
    url = app_link("credential_status", list=number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked),
        },
    }
