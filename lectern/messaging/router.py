"""HTTP routes of messaging: my inbox, a conversation, writing, reading, muting, closing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.messaging import service
from lectern.messaging.schemas import (
    ConversationIn,
    Inbox,
    MessageIn,
    MessageOut,
    ParticipationIn,
)
from lectern.models import User
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/conversations", tags=["messaging"])

ConversationUuid = Annotated[uuid.UUID, Path(description="The conversation's uuid.")]


async def _rate(request: Request, user: User) -> None:
    await limit(request, "message", "message_rate", f"user:{user.id}", per_ip=False)


@router.get(
    "",
    response_model=Inbox,
    summary="My conversations, latest message first, with unread counts",
    responses=problem_responses(401, 422),
)
async def my_inbox(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Inbox:
    items, meta, total = await service.inbox(session, user, params)
    return Inbox(items=items, meta=meta, unread_total=total)


@router.post(
    "",
    status_code=201,
    response_model=MessageOut,
    summary="Write to someone",
    description="To an instructor of a course I take, to a student of a course I teach, or "
    "(anyone) to a published course's instructor about it with `course` (a course "
    "inquiry); admins write to anyone. No cold messages otherwise: 403 `not_allowed`. Two "
    "people keep one direct conversation. Rate-limited per sender (`LECTERN_MESSAGE_RATE`).",
    responses=problem_responses(401, 403, 422, 429),
)
async def write(
    session: SessionDep, request: Request, user: CurrentUser, body: ConversationIn
) -> MessageOut:
    await _rate(request, user)
    return service.message_out(await service.start(session, user, body), user)


@router.get(
    "/{conversation_uuid}/messages",
    response_model=Page[MessageOut],
    summary="A conversation's messages, oldest first",
    responses=problem_responses(401, 404, 422),
)
async def conversation_messages(
    session: SessionDep,
    user: CurrentUser,
    conversation_uuid: ConversationUuid,
    params: PageParams = Depends(page_params),
) -> Page[MessageOut]:
    conversation = await service.mine(session, user, conversation_uuid)
    items, meta = await service.messages(session, conversation, params)
    return Page(items=items, meta=meta)


@router.post(
    "/{conversation_uuid}/messages",
    status_code=201,
    response_model=MessageOut,
    summary="Reply in a conversation",
    description="409 `conversation_closed` once it is closed.",
    responses=problem_responses(401, 404, 409, 422, 429),
)
async def reply(
    session: SessionDep,
    request: Request,
    user: CurrentUser,
    conversation_uuid: ConversationUuid,
    body: MessageIn,
) -> MessageOut:
    await _rate(request, user)
    conversation = await service.mine(session, user, conversation_uuid)
    return service.message_out(await service.send(session, user, conversation, body.content), user)


@router.post(
    "/{conversation_uuid}/read",
    status_code=204,
    summary="Mark a conversation read",
    responses=problem_responses(401, 404, 422),
)
async def read(
    session: SessionDep, user: CurrentUser, conversation_uuid: ConversationUuid
) -> Response:
    await service.mark_read(session, user, await service.mine(session, user, conversation_uuid))
    return Response(status_code=204)


@router.put(
    "/{conversation_uuid}/participation",
    status_code=204,
    summary="Mute or unmute a conversation",
    responses=problem_responses(401, 404, 422),
)
async def participation(
    session: SessionDep,
    user: CurrentUser,
    conversation_uuid: ConversationUuid,
    body: ParticipationIn,
) -> Response:
    conversation = await service.mine(session, user, conversation_uuid)
    await service.mute(session, user, conversation, body.muted)
    return Response(status_code=204)


@router.post(
    "/{conversation_uuid}/close",
    status_code=204,
    summary="Close a conversation (no more messages in it)",
    responses=problem_responses(401, 404, 422),
)
async def close(
    session: SessionDep, user: CurrentUser, conversation_uuid: ConversationUuid
) -> Response:
    await service.close(session, await service.mine(session, user, conversation_uuid))
    return Response(status_code=204)
