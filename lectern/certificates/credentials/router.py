"""HTTP routes of Open Badges: a certificate's credential, the issuer's profile and keys,
and the status lists (all public: verifiers hold no account)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from lectern.certificates.credentials import badge, keys, status_list
from lectern.certificates.schemas import Number
from lectern.db import SessionDep
from lectern.errors import NotFound, problem_responses
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.models import Certificate, CertificateReissue, Course, User

router = ApiRouter(prefix="", tags=["credentials"])

JWT_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A compact VC-JWT (RS256).",
        "content": {badge.MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
}
ListNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="The status list's number.")]


def _jwt(token: str, *, cache: str) -> Response:
    return Response(token, media_type=badge.MEDIA_TYPE, headers={"Cache-Control": cache})


@router.get(
    "/certificates/{number}/credential",
    summary="A certificate as an Open Badges 3.0 credential (no sign-in)",
    description="An `OpenBadgeCredential` (VC Data Model 2.0) as a VC-JWT signed RS256: "
    "the credential is the payload, with `iss`, `jti`, `sub`, `nbf` (and `exp` when it "
    "expires); the header names the key (`kid`, and the public `jwk`), which "
    "`/credentials/keys` publishes too. Its `credentialStatus` points at the status list "
    "that shows its revocation. Rate-limited like the verification.",
    response_class=Response,
    responses={**JWT_ANSWER, **problem_responses(404, 422, 429)},
)
async def certificate_credential(session: SessionDep, request: Request, number: Number) -> Response:
    await limit(request, "certificate", "certificate_rate")
    latest_reissue = (
        select(func.max(CertificateReissue.id))
        .where(CertificateReissue.certificate_id == Certificate.id)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(Certificate, Course, User.uuid, latest_reissue)
            .join(Course, Course.id == Certificate.course_id)
            .join(User, User.id == Certificate.user_id)
            .where(Certificate.certificate_number == number.upper())
        )
    ).first()
    if row is None:
        raise NotFound("no certificate has this number", code="certificate_not_found")
    certificate, course, learner, reissue_id = row
    profile = await badge.issuer(session)
    body = badge.credential(certificate, course, learner, reissue_id, profile)
    return _jwt(await badge.sign(session, body), cache="no-store")


@router.get(
    "/credentials/issuer",
    summary="The issuer's Open Badges profile",
    description="The `Profile` every credential names as its issuer (its `id` is this address).",
)
async def issuer_profile(session: SessionDep) -> dict[str, Any]:
    return {"@context": badge.CONTEXT, **await badge.issuer(session)}


@router.get(
    "/credentials/keys",
    summary="The keys that sign credentials (a JWK set)",
    description="Every key, the retired ones too: a credential signed before a rotation "
    "still verifies.",
)
async def credential_keys(session: SessionDep) -> dict[str, Any]:
    return await keys.key_set(session)


@router.get(
    "/credentials/status/{list_number}",
    summary="A status list of credentials (revocations)",
    description="A `BitstringStatusListCredential` as a VC-JWT: bit `statusListIndex` of "
    "`encodedList` is set when that credential's certificate was revoked. Built when asked "
    "for, so a revocation shows at once.",
    response_class=Response,
    responses={**JWT_ANSWER, **problem_responses(404, 422)},
)
async def status(session: SessionDep, list_number: ListNumber) -> Response:
    if not await status_list.exists_list(session, list_number):
        raise NotFound("no such status list")
    revoked = await status_list.revoked_in(session, list_number)
    body = status_list.status_list_credential(list_number, revoked, await badge.issuer(session))
    return _jwt(await badge.sign(session, body), cache="no-cache")
