"""HTTP routes of certificates: my certificates, and the public verification."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from lectern.certificates import documents, service, staff
from lectern.certificates.schemas import (
    CertificateOut,
    Number,
    ReissueIn,
    RevocationIn,
    VerificationOut,
)
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.client import Client
from lectern.kit.downloads import PDF_RESPONSE, pdf_attachment
from lectern.kit.links import app_link
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageMeta, PageParams, page_params
from lectern.models import Certificate
from lectern.platform.service import get_value
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="", tags=["certificates"])
studio_router = ApiRouter(prefix="/studio/courses", tags=["certificates"])
admin_router = ApiRouter(prefix="/admin/certificates", tags=["certificates"])


COMPUTED = {"status", "linkedin_url", "credential_url"}


def _mine(certificate: Certificate, issuer: str) -> CertificateOut:
    fields = {
        name: getattr(certificate, name)
        for name in CertificateOut.model_fields
        if name not in COMPUTED
    }
    return CertificateOut.model_validate(
        {
            **fields,
            "status": service.status_of(certificate),
            "linkedin_url": service.linkedin_url(certificate, issuer),
            "credential_url": app_link("credential", number=certificate.certificate_number),
        }
    )


async def _issuer(session: SessionDep) -> str:
    return str(await get_value(session, "site.name", "Lectern") or "Lectern")


@router.get(
    "/me/certificates",
    response_model=Page[CertificateOut],
    summary="My certificates, newest first",
    responses=problem_responses(401, 422),
)
async def my_certificates(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[CertificateOut]:
    certificates, meta = await service.mine(session, user, params)
    issuer = await _issuer(session)
    return Page[CertificateOut](items=[_mine(c, issuer) for c in certificates], meta=meta)


@router.get(
    "/me/certificates/{certificate_uuid}/certificate.pdf",
    summary="One of my certificates as a PDF",
    description="Rendered once when it was issued (A4 landscape, with a QR code that opens "
    "its verification) and served as it was from then on.",
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 404, 422)},
)
async def my_certificate_pdf(
    session: SessionDep, user: CurrentUser, certificate_uuid: uuid.UUID
) -> Response:
    certificate = await service.my_certificate(session, user, certificate_uuid)
    pdf = await documents.certificate_pdf(session, certificate)
    return pdf_attachment(pdf, certificate.certificate_number)


@router.get(
    "/me/certificates/{certificate_uuid}/certificate.png",
    summary="One of my certificates as a PNG preview",
    description="Its PDF's page as an image 1200 pixels wide, drawn once and kept.",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The image."},
        **problem_responses(401, 404, 422),
    },
)
async def my_certificate_png(
    session: SessionDep, user: CurrentUser, certificate_uuid: uuid.UUID
) -> Response:
    certificate = await service.my_certificate(session, user, certificate_uuid)
    png = await documents.certificate_png(session, certificate)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get(
    "/certificates/{number}",
    response_model=VerificationOut,
    summary="Verify a certificate (no sign-in)",
    description="Whether the certificate of this number is valid, revoked or expired, with "
    "the holder's name, the course and the dates: nothing else personal. Numbers cannot be "
    "guessed (60 random bits), and lookups are rate-limited per client address "
    "(`LECTERN_CERTIFICATE_RATE`): 429 past it, 404 `certificate_not_found` for a number "
    "not issued.",
    responses=problem_responses(404, 422, 429),
)
async def verify(session: SessionDep, request: Request, number: Number) -> VerificationOut:
    await limit(request, "certificate", "certificate_rate")
    found = await service.verify(session, number)
    certificate = found.certificate
    return VerificationOut(
        certificate_number=found.number,
        status=found.status,
        reissued=found.reissued,
        holder_name=found.holder_name,
        course_uuid=found.course_uuid,
        course_title=certificate.course_title,
        issue_date=certificate.issue_date,
        expiry_date=certificate.expiry_date,
    )


# -- staff ------------------------------------------------------------------------------------


def _page(certificates: list[Certificate], meta: PageMeta, issuer: str) -> Page[CertificateOut]:
    return Page[CertificateOut](items=[_mine(c, issuer) for c in certificates], meta=meta)


@studio_router.get(
    "/{course_uuid}/certificates",
    response_model=Page[CertificateOut],
    summary="The certificates of one of my courses",
    responses=problem_responses(401, 403, 404, 422),
)
async def course_certificates(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: uuid.UUID,
    params: PageParams = Depends(page_params),
) -> Page[CertificateOut]:
    return _page(*await staff.of_course(session, user, course_uuid, params), await _issuer(session))


@admin_router.get(
    "",
    response_model=Page[CertificateOut],
    summary="Every certificate, newest first",
    responses=problem_responses(401, 403, 422),
)
async def every_certificate(
    session: SessionDep,
    admin: CurrentAdmin,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Part of a number, name or title."),
    ] = None,
    params: PageParams = Depends(page_params),
) -> Page[CertificateOut]:
    return _page(*await staff.every(session, q, params), await _issuer(session))


@admin_router.post(
    "/{certificate_uuid}/revoke",
    response_model=CertificateOut,
    summary="Revoke a certificate",
    description="Its verification answers `revoked` from now on. 409 `already_revoked`.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def revoke(
    session: SessionDep,
    request: Request,
    admin: CurrentAdmin,
    certificate_uuid: uuid.UUID,
    body: RevocationIn,
) -> CertificateOut:
    certificate = await staff.revoke(
        session, admin, Client.of(request), certificate_uuid, body.reason
    )
    return _mine(certificate, await _issuer(session))


@admin_router.post(
    "/{certificate_uuid}/reissue",
    response_model=CertificateOut,
    summary="Reissue a certificate",
    description="A new number and uuid, the holder's name, the course's title and its "
    "instructor as they are now, valid again (a revoked one too); the old number verifies "
    "as revoked (`reissued`), and so do the credentials made under it. Logged.",
    responses=problem_responses(401, 403, 404, 422),
)
async def reissue(
    session: SessionDep,
    request: Request,
    admin: CurrentAdmin,
    certificate_uuid: uuid.UUID,
    body: ReissueIn,
) -> CertificateOut:
    certificate = await staff.reissue(
        session, admin, Client.of(request), certificate_uuid, body.reason
    )
    return _mine(certificate, await _issuer(session))
