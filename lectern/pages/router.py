"""The pages: the front door, and the account pages the e-mails link to (until the web app
takes them over). Plain HTML that works without JavaScript: each form posts back here, is
checked against CSRF, and runs the same flow as the API route it stands for."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.auth import service as accounts
from lectern.db import SessionDep
from lectern.errors import LecternError
from lectern.kit.client import Client
from lectern.kit.ratelimit import limit
from lectern.kit.routing import OpeningRoute
from lectern.pages import csrf
from lectern.pages.views import STYLESHEET, render
from lectern.platform.service import get_value
from lectern.security.passwords import WeakPasswordError

router = APIRouter(include_in_schema=False, route_class=OpeningRoute)

# The fields the forms post; as long as the API allows, so nothing longer is worth reading.
Token = Annotated[str, Form(max_length=200)]
LinkToken = Annotated[str, Query(max_length=200)]
CsrfToken = Annotated[str, Form(alias=csrf.FIELD, max_length=100)]
NewPassword = Annotated[str, Form(max_length=1024)]

_INCOMPLETE_LINK = "This link is incomplete: open it again from the e-mail, whole."
_FORGED = (
    "This form was not opened on this site, or it was opened too long ago. "
    "Open the link from the e-mail again."
)


@router.get("/")
async def home(session: SessionDep, request: Request) -> HTMLResponse:
    description = await get_value(session, "site.description", "")
    return await render(session, request, "home", description=description or "")


@router.get("/assets/pages.css")
async def stylesheet() -> Response:
    return Response(
        STYLESHEET, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
    )


# -- confirming an e-mail address ---------------------------------------------------------


@router.get("/verify-email")
async def verify_email_form(
    session: SessionDep, request: Request, token: LinkToken = ""
) -> Response:
    if not token:
        return await _outcome(
            session, request, "Confirm your e-mail address", _INCOMPLETE_LINK, 400
        )
    # Confirming takes a click: mail scanners that open links do not confirm by themselves.
    return await render(session, request, "verify_email", form=True, token=token)


@router.post("/verify-email")
async def verify_email(
    session: SessionDep, request: Request, token: Token, csrf_token: CsrfToken
) -> Response:
    title = "Confirm your e-mail address"
    if not csrf.is_valid(request, csrf_token):
        return await _outcome(session, request, title, _FORGED, 403)
    try:
        await limit(request, "verify", "reset_rate")
        await accounts.verify_email(session, token)
    except LecternError as refused:
        return await _refused(session, request, title, refused)
    return await _outcome(
        session, request, "Your address is confirmed", "Thank you: you can sign in now.", done=True
    )


# -- choosing a new password --------------------------------------------------------------


@router.get("/reset-password")
async def reset_password_form(
    session: SessionDep, request: Request, token: LinkToken = ""
) -> Response:
    if not token:
        return await _outcome(session, request, "Choose a new password", _INCOMPLETE_LINK, 400)
    return await render(session, request, "reset_password", form=True, token=token, problem="")


@router.post("/reset-password")
async def reset_password(
    session: SessionDep,
    request: Request,
    token: Token,
    csrf_token: CsrfToken,
    password: NewPassword,
    repeat: NewPassword,
) -> Response:
    title = "Choose a new password"
    if not csrf.is_valid(request, csrf_token):
        return await _outcome(session, request, title, _FORGED, 403)
    if password != repeat:
        return await _form_again(session, request, token, "The two passwords differ.")
    try:
        await limit(request, "reset", "reset_rate")
        await accounts.reset_password(session, Client.of(request), token, password)
    except WeakPasswordError as weak:
        return await _form_again(session, request, token, _sentence(weak.detail))
    except LecternError as refused:
        return await _refused(session, request, title, refused)
    return await _outcome(
        session,
        request,
        "Your password is changed",
        "Sign in with the new one. Every device that was signed in has been signed out.",
        done=True,
    )


# -- the answers --------------------------------------------------------------------------


async def _outcome(
    session: AsyncSession,
    request: Request,
    title: str,
    message: str,
    status: int = 200,
    *,
    done: bool = False,
) -> HTMLResponse:
    return await render(
        session, request, "outcome", status=status, title=title, message=message, done=done
    )


async def _refused(
    session: AsyncSession, request: Request, title: str, refused: LecternError
) -> HTMLResponse:
    """The flow said no (a spent link, too many tries): nothing of it is kept, and the page
    says why, with the error's status and headers (Retry-After)."""
    await session.rollback()
    page = await _outcome(session, request, title, _sentence(refused.detail), refused.status)
    page.headers.update(refused.headers)
    return page


async def _form_again(
    session: AsyncSession, request: Request, token: str, problem: str
) -> HTMLResponse:
    await session.rollback()
    return await render(
        session, request, "reset_password", status=422, form=True, token=token, problem=problem
    )


def _sentence(detail: str) -> str:
    return f"{detail[:1].upper()}{detail[1:]}."
