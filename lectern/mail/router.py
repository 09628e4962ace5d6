"""HTTP routes of mail: the providers' bounce and complaint webhooks, and the admins' view of
the suppressed addresses."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Request, Response
from sqlalchemy import select

from lectern.config import mail_settings
from lectern.db import SessionDep
from lectern.errors import InvalidInput, NotFound, Unauthorized, problem_responses
from lectern.kit.pagination import paginate
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Output, Page, PageParams, page_params
from lectern.mail import suppression
from lectern.mail.providers import READERS
from lectern.models import EmailSuppression
from lectern.security.dependencies import CurrentAdmin

router = ApiRouter(prefix="/mail", tags=["mail"])
admin_router = ApiRouter(prefix="/admin/mail", tags=["mail"])

Provider = Annotated[Literal["generic", "postmark"], Path(description="Who sends the events.")]


class ReceivedOut(Output):
    suppressed: list[str]


class SuppressionOut(Output):
    email: str
    reason: Literal["bounce", "complaint"]
    source: str
    detail: str | None


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


def _check(request: Request) -> None:
    secret = mail_settings().mail_webhook_secret
    if not secret:
        raise NotFound("mail events are not received here: LECTERN_MAIL_WEBHOOK_SECRET is unset")
    presented = _presented(request)
    if presented is None or not hmac.compare_digest(presented.encode(), secret.encode()):
        raise Unauthorized("the webhook's secret is missing or wrong")


@router.post(
    "/events/{provider}",
    response_model=ReceivedOut,
    summary="A mail provider's bounce or complaint",
    description="Authenticated by `LECTERN_MAIL_WEBHOOK_SECRET` (the password of basic auth, "
    "or a bearer token). `generic`: `{type: bounce | complaint, email, permanent?, detail?}`; "
    "`postmark`: its Bounce and SpamComplaint webhooks. A permanent bounce stops all mail to "
    "the address, a complaint all but transactional mail; anything else changes nothing.",
    responses=problem_responses(401, 404, 422),
)
async def mail_event(session: SessionDep, request: Request, provider: Provider) -> ReceivedOut:
    _check(request)
    try:
        payload: Any = await request.json()
    except ValueError as error:
        raise InvalidInput("the body is not JSON") from error
    if not isinstance(payload, dict):
        raise InvalidInput("the body is not a JSON object")
    events = READERS[provider].read(payload)
    done = [event.email for event in events if await suppression.suppress(session, event, provider)]
    return ReceivedOut(suppressed=[suppression.normal(email) for email in done])


@admin_router.get(
    "/suppressions",
    response_model=Page[SuppressionOut],
    summary="Addresses mail is no longer sent to",
    responses=problem_responses(401, 403, 422),
)
async def suppressions(
    session: SessionDep, admin: CurrentAdmin, params: PageParams = Depends(page_params)
) -> Page[SuppressionOut]:
    statement = select(EmailSuppression).order_by(EmailSuppression.created_at.desc())
    rows, meta = await paginate(session, statement, params)
    return Page(items=[SuppressionOut.model_validate(row) for row in rows], meta=meta)


@admin_router.delete(
    "/suppressions/{email}",
    status_code=204,
    summary="Send mail to an address again",
    responses=problem_responses(401, 403, 404, 422),
)
async def lift(
    session: SessionDep,
    admin: CurrentAdmin,
    email: Annotated[str, Path(min_length=3, max_length=255)],
) -> Response:
    if not await suppression.lift(session, email):
        raise NotFound("this address is not suppressed")
    return Response(status_code=204)
