"""The revocation status of credentials as W3C Bitstring Status Lists.

A certificate's place in the lists follows from its id: list ``(id - 1) // SIZE + 1``, bit
``(id - 1) % SIZE`` (SIZE = 131,072 bits, the smallest the specification allows, so that a
list hides which credential a verifier asks about among many). A list is built when asked
for, from the revoked certificates in its range (one indexed statement), and served as a
signed ``BitstringStatusListCredential``: revoking a certificate flips its bit at once.

A reissued certificate's credential takes a bit of its own: the reissue row's id, in the
lists numbered past ``REISSUED``; the bits of the issues it replaced are set (revoked).
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern.kit.links import app_link
from lectern.kit.types import utcnow
from lectern.models import Certificate, CertificateReissue

SIZE = 131_072
PURPOSE = "revocation"
# Lists past this number hold the bits of reissued certificates' credentials.
REISSUED = 1_000_000


def place(certificate_id: int, reissue_id: int | None = None) -> tuple[int, int]:
    """(list number, bit index) of a certificate's credential: by the certificate's id, or
    by its latest reissue's."""
    if reissue_id is not None:
        return REISSUED + (reissue_id - 1) // SIZE + 1, (reissue_id - 1) % SIZE
    return (certificate_id - 1) // SIZE + 1, (certificate_id - 1) % SIZE


def entry(certificate_id: int, reissue_id: int | None) -> dict[str, Any]:
    """The credential's ``credentialStatus``."""
    number, index = place(certificate_id, reissue_id)
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


def _revoked(certificate: Any) -> Any:
    return or_(certificate.is_valid.is_(False), certificate.deleted_at.is_not(None))


async def revoked_in(session: AsyncSession, number: int) -> list[int]:
    """The set bits of list ``number`` (one statement)."""
    reissued = number > REISSUED
    first = ((number - REISSUED if reissued else number) - 1) * SIZE + 1
    if not reissued:
        # A certificate's first issue: revoked, or replaced by a reissue.
        replaced = exists().where(CertificateReissue.certificate_id == Certificate.id)
        ids = await session.scalars(
            select(Certificate.id).where(
                Certificate.id.between(first, first + SIZE - 1),
                or_(_revoked(Certificate), replaced),
            )
        )
    else:
        # A reissue's credential: its certificate revoked, or reissued again since.
        later = aliased(CertificateReissue)
        again = exists().where(
            later.certificate_id == CertificateReissue.certificate_id,
            later.id > CertificateReissue.id,
        )
        ids = await session.scalars(
            select(CertificateReissue.id)
            .join(Certificate, Certificate.id == CertificateReissue.certificate_id)
            .where(
                CertificateReissue.id.between(first, first + SIZE - 1),
                or_(_revoked(Certificate), again),
            )
        )
    return [found - first for found in ids]


async def exists_list(session: AsyncSession, number: int) -> bool:
    """Whether list ``number`` holds any credential's bit."""
    if number > REISSUED:
        highest = await session.scalar(select(func.max(CertificateReissue.id)))
        return highest is not None and number <= place(0, highest)[0]
    highest = await session.scalar(select(func.max(Certificate.id)))
    return highest is not None and number <= place(highest)[0]


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
