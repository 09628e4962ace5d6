"""The unsubscribe link of notification e-mails. A GET only shows what it would do (mail
scanners open links; they must not unsubscribe anyone); the POST, from that page's button
or straight from a mail client's one-click (RFC 8058), turns the kind's e-mail off. The
signed token is the authority: no session, no form token."""

from __future__ import annotations

import functools

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from lectern.db import SessionDep
from lectern.kit.i18n import language_of, translate
from lectern.kit.routing import OpeningRoute
from lectern.models import User
from lectern.notifications import service, unsubscribe
from lectern.pages.views import page_templates, render

router = APIRouter(include_in_schema=False, route_class=OpeningRoute)
templates = page_templates("lectern.notifications")
TITLE = "Notification e-mails"


@router.get("/unsubscribe/{token}")
async def confirm(session: SessionDep, request: Request, token: str) -> HTMLResponse:
    found = unsubscribe.read(token)
    if found is None:
        return await _unknown(session, request)
    user_id, kind = found
    language = await _language(session, user_id)
    return await render(
        session,
        request,
        "unsubscribe",
        templates=templates,
        described=translate(language, kind.described),
        action=f"/unsubscribe/{token}",
        t=functools.partial(translate, language),
    )


@router.post("/unsubscribe/{token}")
async def one_click(session: SessionDep, request: Request, token: str) -> HTMLResponse:
    found = unsubscribe.read(token)
    if found is None:
        return await _unknown(session, request)
    user_id, kind = found
    await service.turn_off(session, user_id, kind)
    language = await _language(session, user_id)
    return await render(
        session,
        request,
        "outcome",
        title=translate(language, TITLE),
        message=translate(
            language,
            "Done: no more e-mails about {what}.",
            what=translate(language, kind.described),
        ),
        done=True,
    )


async def _language(session: SessionDep, user_id: int) -> str:
    """The language of the link's user (their page reads in it)."""
    return language_of(await session.scalar(select(User.language).where(User.id == user_id)))


async def _unknown(session: SessionDep, request: Request) -> HTMLResponse:
    message = "This link is not one of ours, or it was changed on the way."
    return await render(
        session, request, "outcome", status=404, title=TITLE, message=message, done=False
    )
