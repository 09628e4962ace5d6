"""The unsubscribe link of notification e-mails. A GET only shows what it would do (mail
scanners open links; they must not unsubscribe anyone); the POST, from that page's button
or straight from a mail client's one-click (RFC 8058), turns the kind's e-mail off. The
signed token is the authority: no session, no form token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lectern.db import SessionDep
from lectern.notifications import service, unsubscribe
from lectern.pages.views import page_templates, render

router = APIRouter(include_in_schema=False)
templates = page_templates("lectern.notifications")
TITLE = "Notification e-mails"


@router.get("/unsubscribe/{token}")
async def confirm(session: SessionDep, request: Request, token: str) -> HTMLResponse:
    found = unsubscribe.read(token)
    if found is None:
        return await _unknown(session, request)
    _, kind = found
    return await render(
        session,
        request,
        "unsubscribe",
        templates=templates,
        described=kind.described,
        action=f"/unsubscribe/{token}",
    )


@router.post("/unsubscribe/{token}")
async def one_click(session: SessionDep, request: Request, token: str) -> HTMLResponse:
    found = unsubscribe.read(token)
    if found is None:
        return await _unknown(session, request)
    user_id, kind = found
    await service.turn_off(session, user_id, kind)
    return await render(
        session,
        request,
        "outcome",
        title=TITLE,
        message=f"Done: no more e-mails about {kind.described}.",
        done=True,
    )


async def _unknown(session: SessionDep, request: Request) -> HTMLResponse:
    message = "This link is not one of ours, or it was changed on the way."
    return await render(
        session, request, "outcome", status=404, title=TITLE, message=message, done=False
    )
