"""Certificates as Open Badges 3.0 credentials, checked by a verifier that is not ours
(openbadgeslib): the signature, the structure and registered claims OB 3.0 asks for, the
revocation through the status list, expiry, tampering and key rotation."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.certificates.credentials import keys
from lectern.kit.links import app_url
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate, CredentialKey, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course


@pytest.fixture
async def certificate(db: AsyncSession) -> Certificate:
    teacher = await create_instructor(db, name="Grace Hopper")
    course = await create_published_course(
        db, teacher, title="Compilers", short_description="From source text to machine code."
    )
    learner = await create_user(db, name="Ada Lovelace")
    enrollment = await create_enrollment(db, learner, course, completed_at=utcnow())
    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))
    found = await db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert found is not None
    return found


def path_of(url: str) -> str:
    assert url.startswith(app_url())
    return url[len(app_url()) :]


async def fetch_credential(client: httpx.AsyncClient, certificate: Certificate) -> str:
    answer = await client.get(f"/api/v1/certificates/{certificate.certificate_number}/credential")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vc+jwt")
    return answer.text


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


async def verifier_for(client: httpx.AsyncClient, token: str) -> OB3Verifier:
    """A verifier holding the public key the token's kid names, from the published set."""
    kid = jwt.get_unverified_header(token)["kid"]
    published = (await client.get("/api/v1/credentials/keys")).json()["keys"]
    [jwk] = [key for key in published if key["kid"] == kid]
    public = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    pem = public.public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return OB3Verifier(pem)


async def status_fetcher(client: httpx.AsyncClient, token: str) -> Any:
    """What the verifier's download of the status list gets: our list, as served now."""
    url = claims(token)["credentialStatus"]["statusListCredential"]
    served = await client.get(path_of(url))
    assert served.status_code == 200, served.text

    def download(asked: str) -> bytes:
        assert asked == url
        return served.content

    return download


async def test_a_credential_verifies_with_an_independent_verifier(
    client: httpx.AsyncClient, certificate: Certificate
) -> None:
    token = await fetch_credential(client, certificate)
    verifier = await verifier_for(client, token)

    verified = verifier.verify(
        token, check_status=True, download=await status_fetcher(client, token)
    )

    assert verified.issuer.id == f"{app_url()}/api/v1/credentials/issuer"
    body = claims(token)
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert body["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert (body["iss"], body["jti"], body["sub"]) == (
        body["issuer"]["id"],
        body["id"],
        body["credentialSubject"]["id"],
    )
    assert body["nbf"] <= utcnow().timestamp()
    achievement = body["credentialSubject"]["achievement"]
    assert (achievement["name"], achievement["description"]) == (
        "Compilers",
        "From source text to machine code.",
    )
    assert "Compilers" in achievement["criteria"]["narrative"]
    assert body["credentialStatus"]["type"] == "BitstringStatusListEntry"
    # Nothing personal beyond the learner's opaque id: no name, no e-mail address.
    assert "Ada" not in json.dumps(body)


async def test_the_issuer_profile_is_published_where_its_id_points(
    client: httpx.AsyncClient, certificate: Certificate
) -> None:
    token = await fetch_credential(client, certificate)
    issuer_id = claims(token)["issuer"]["id"]

    profile = await client.get(path_of(issuer_id))

    assert profile.json()["id"] == issuer_id
    assert profile.json()["type"] == ["Profile"]


async def test_a_tampered_credential_is_refused(
    client: httpx.AsyncClient, certificate: Certificate
) -> None:
    token = await fetch_credential(client, certificate)
    verifier = await verifier_for(client, token)
    header, _, signature = token.split(".")
    forged = claims(token) | {"name": "Brain Surgery"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()

    with pytest.raises(OB3VerificationError):
        verifier.verify(f"{header}.{forged_payload}.{signature}")


async def test_a_revocation_shows_through_the_status_list(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    token = await fetch_credential(client, certificate)
    verifier = await verifier_for(client, token)
    admin = await create_admin(db)

    await client.post(
        f"/api/v1/admin/certificates/{certificate.uuid}/revoke",
        json={"reason": "Awarded by mistake"},
        headers=bearer(admin),
    )

    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(token, check_status=True, download=await status_fetcher(client, token))


async def test_an_expired_certificate_gives_an_expired_credential(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    certificate.expiry_date = utcnow().date() - timedelta(days=1)
    await db.flush()

    token = await fetch_credential(client, certificate)

    assert claims(token)["validUntil"].startswith(str(certificate.expiry_date))
    with pytest.raises(OB3VerificationError):
        (await verifier_for(client, token)).verify(token)


async def test_credentials_signed_before_a_rotation_still_verify(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    before = await fetch_credential(client, certificate)

    await keys.rotate(db)
    after = await fetch_credential(client, certificate)

    old_kid, new_kid = (jwt.get_unverified_header(t)["kid"] for t in (before, after))
    assert old_kid != new_kid
    published = (await client.get("/api/v1/credentials/keys")).json()["keys"]
    assert [key["kid"] for key in published] == [new_kid, old_kid]
    for token in (before, after):
        (await verifier_for(client, token)).verify(token)


async def test_the_private_key_is_sealed_at_rest(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    await fetch_credential(client, certificate)

    stored = await db.scalar(select(CredentialKey))

    assert stored is not None
    assert "PRIVATE KEY" not in stored.private_key_sealed
    assert set(stored.public_jwk) >= {"kty", "n", "e", "kid"}
    assert "d" not in stored.public_jwk


async def test_unknown_numbers_and_lists_are_404(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/certificates/LC-2222-2222-2222/credential")
    no_list = await client.get("/api/v1/credentials/status/99")

    assert missing.status_code == 404
    assert no_list.status_code == 404


async def test_my_certificates_link_their_credential(
    client: httpx.AsyncClient, db: AsyncSession, certificate: Certificate
) -> None:
    holder = await db.get_one(User, certificate.user_id)

    mine = await client.get("/api/v1/me/certificates", headers=bearer(holder))

    assert mine.json()["items"][0]["credential_url"] == (
        f"{app_url()}/api/v1/certificates/{certificate.certificate_number}/credential"
    )
