"""``GET /notifications/stream``: the signed-in user's live channel as Server-Sent Events.

Each event's ``id`` is its place on the channel: a client that reconnects with it in
``Last-Event-ID`` (browsers do it by themselves) first gets what it missed, as far as the
channel keeps it, then what comes. A comment line every few seconds keeps proxies from
closing an idle stream. The stream ends when the access token expires: the client
reconnects with a fresh one and misses nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Header, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from lectern.channel import LiveEvent, channel, event_position
from lectern.config import job_settings
from lectern.errors import InvalidInput, problem_responses
from lectern.kit.routing import ApiRouter
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/notifications", tags=["notifications"])

# How long a browser waits before reconnecting a dropped stream, in milliseconds.
_RETRY_MS = 3000

_DESCRIPTION = """\
`text/event-stream`, open until the access token expires. Events:

- `notification`: a new notification (the body of `GET /notifications` items);
- `message`: a new message in one of my conversations (`conversation_uuid`, `message`).

Send `Last-Event-ID` to first receive the events after that one (the channel keeps each
user's last events for a day).
"""


@router.get(
    "/stream",
    summary="My notifications and messages, live (Server-Sent Events)",
    description=_DESCRIPTION,
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}},
        **problem_responses(401, 422),
    },
)
async def stream(
    request: Request,
    user: CurrentUser,
    last_event_id: Annotated[
        str | None,
        Header(alias="Last-Event-ID", description="The id of the last event received."),
    ] = None,
) -> EventSourceResponse:
    if last_event_id is not None:
        try:
            event_position(last_event_id)
        except ValueError:
            raise InvalidInput(
                "Last-Event-ID is not an id this stream sent", field="Last-Event-ID"
            ) from None
    until = float(getattr(request.state, "token_expires_at", time.time()))
    return EventSourceResponse(
        _events(user.id, last_event_id, until),
        ping=job_settings().live_heartbeat_seconds,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(
    user_id: int, last_event_id: str | None, until: float
) -> AsyncIterator[ServerSentEvent]:
    live = channel()
    async with live.listen(user_id) as queue:
        # Listening before looking back: an event published meanwhile is in both, and the
        # position check below sends it once.
        missed = await live.since(user_id, last_event_id) if last_event_id else []
        position = event_position(last_event_id) if last_event_id else (0, 0)
        for event in missed:
            position = event_position(event.id)
            yield _sse(event)
        while (left := until - time.time()) > 0:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=left)
            except TimeoutError:
                break
            if event_position(event.id) > position:
                position = event_position(event.id)
                yield _sse(event)


def _sse(event: LiveEvent) -> ServerSentEvent:
    return ServerSentEvent(
        data=json.dumps(event.data, separators=(",", ":")),
        event=event.type,
        id=event.id,
        retry=_RETRY_MS,
    )
