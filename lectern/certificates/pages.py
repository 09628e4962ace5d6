"""The public verification page a certificate's QR code opens: whether it is valid,
revoked or expired, for whom and for what (plain HTML, no script, nothing else personal).
Lookups are rate-limited like the API's verification."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lectern.certificates import service
from lectern.db import SessionDep
from lectern.errors import LecternError
from lectern.kit.links import app_link
from lectern.kit.ratelimit import limit
from lectern.kit.routing import OpeningRoute
from lectern.pages.views import page_templates, render

router = APIRouter(include_in_schema=False, route_class=OpeningRoute)
templates = page_templates("lectern.certificates")

NUMBER = re.compile(r"^LC-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$")


@router.get("/certificates/{number}")
async def verification_page(session: SessionDep, request: Request, number: str) -> HTMLResponse:
    number = number.upper()
    try:
        await limit(request, "certificate", "certificate_rate")
        if not NUMBER.fullmatch(number):
            raise LecternError("no certificate has this number", status=404)
        found = await service.verify(session, number)
    except LecternError as refused:
        return await render(
            session,
            request,
            "outcome",
            status=refused.status,
            title="Certificate verification",
            message=refused.detail.capitalize() + ".",
            done=False,
        )
    certificate = found.certificate
    return await render(
        session,
        request,
        "verification",
        templates=templates,
        number=found.number,
        standing=found.status,
        reissued=found.reissued,
        holder_name=found.holder_name,
        course_title=certificate.course_title,
        issue_date=f"{certificate.issue_date:%d %B %Y}",
        expiry_date=f"{certificate.expiry_date:%d %B %Y}" if certificate.expiry_date else "",
        credential_url=app_link("credential", number=found.number),
        verification_api=f"/api/v1/certificates/{found.number}",
    )
