"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (VC Data Model 2.0), secured
as a VC-JWT: the credential is the JWT's payload, with the registered claims OB 3.0 asks for
(``iss`` the issuer, ``jti`` the credential's id, ``sub`` the learner's, ``nbf`` and ``exp``
its validity), signed RS256 by the platform's current key (``kid`` and the public ``jwk`` in
the header).

The learner is named by an id of their own for credentials (a UUID derived from their
account, which tells nothing else about them); the achievement is the course.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from typing import Any

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.certificates.credentials import keys, status_list
from lectern.kit.links import app_link, app_url
from lectern.models import Certificate, Course
from lectern.platform.service import get_value

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# Learners' credential ids: UUIDv5 of their account's uuid in this namespace.
LEARNERS = uuid.UUID("6f1c9a52-52a6-4c1e-9f0e-6a3c1d2b8e41")
MEDIA_TYPE = "application/vc+jwt"


async def issuer(session: AsyncSession) -> dict[str, Any]:
    """The issuer's Profile, as published at ``/credentials/issuer``."""
    name = str(await get_value(session, "site.name", "Lectern") or "Lectern")
    profile: dict[str, Any] = {
        "id": app_link("credential_issuer"),
        "type": ["Profile"],
        "name": name,
        "url": app_url() + "/",
    }
    email = await get_value(session, "site.support_email")
    if email:
        profile["email"] = str(email)
    return profile


def _instant(day: Any, at: datetime | None = None) -> datetime:
    moment = at if at is not None else datetime.combine(day, time(), tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def credential(
    certificate: Certificate,
    course: Course,
    learner_uuid: uuid.UUID,
    reissue_id: int | None,
    profile: dict[str, Any],
) -> dict[str, Any]:
    valid_from = _instant(certificate.issue_date, certificate.created_at)
    subject_id = f"urn:uuid:{uuid.uuid5(LEARNERS, str(learner_uuid))}"
    hours = certificate.course_duration_hours
    narrative = f"Completed every lesson of the course “{certificate.course_title}”"
    narrative += f" ({hours} hours of content)." if hours else "."
    body: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{certificate.uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "name": certificate.course_title,
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"urn:uuid:{course.uuid}",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": certificate.course_title,
                "description": course.short_description or course.subtitle or course.title,
                "criteria": {"narrative": narrative},
            },
        },
        "credentialStatus": status_list.entry(certificate.id, reissue_id),
    }
    if certificate.expiry_date is not None:
        body["validUntil"] = _iso(_instant(certificate.expiry_date))
    return body


async def sign(session: AsyncSession, body: dict[str, Any]) -> str:
    """``body`` as a VC-JWT with the registered claims taken from it."""
    key = await keys.signing_key(session)
    claims = {
        **body,
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "nbf": int(datetime.fromisoformat(body["validFrom"]).timestamp()),
    }
    subject = body["credentialSubject"]
    if isinstance(subject, dict) and "id" in subject:
        claims["sub"] = subject["id"]
    if "validUntil" in body:
        claims["exp"] = int(datetime.fromisoformat(body["validUntil"]).timestamp())
    public = jwt.algorithms.RSAAlgorithm.to_jwk(key.private.public_key(), as_dict=True)
    headers = {"kid": key.kid, "typ": "JWT", "jwk": public}
    return jwt.encode(claims, key.private, algorithm=keys.ALGORITHM, headers=headers)
