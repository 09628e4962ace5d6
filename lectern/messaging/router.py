"""HTTP routes of messaging: my inbox, a conversation, writing (with files), reading,
muting, closing, reporting; my blocks and settings; the admins' reports."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Form, Path, Query, Request, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.attachments import FileId
from lectern.kit.downloads import attachment
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.messaging import safety, service
from lectern.messaging.schemas import (
    ConversationIn,
    Inbox,
    MessageIn,
    MessageOut,
    MessageUpload,
    MessagingSettings,
    MessagingSettingsOut,
    ParticipationIn,
    Person,
    ReportIn,
    ReportOut,
    ResolutionIn,
    SupportQuestionIn,
)
from lectern.models import User
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="/conversations", tags=["messaging"])

ConversationUuid = Annotated[uuid.UUID, Path(description="The conversation's uuid.")]
MessageUuid = Annotated[uuid.UUID, Path(description="The message's uuid.")]


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


@router.post(
    "/support",
    status_code=201,
    response_model=MessageOut,
    summary="Write to the platform's support",
    description="A support conversation with the admins (each of them takes part and may "
    "answer); writing again adds to my open one, a closed one stays closed. 403 for admins; "
    "409 `no_support_staff` when the platform has no admin. Rate-limited like any message.",
    responses=problem_responses(401, 403, 409, 422, 429),
)
async def ask_support(
    session: SessionDep, request: Request, user: CurrentUser, body: SupportQuestionIn
) -> MessageOut:
    await _rate(request, user)
    return service.message_out(await service.ask_support(session, user, body), user)


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


@router.post(
    "/{conversation_uuid}/files",
    status_code=201,
    response_model=MessageOut,
    summary="Send files in a conversation (multipart)",
    description="`files` (repeatable, 1 to 10) and an optional `content`. Documents, images, "
    "archives, audio, video and plain text, each within `uploads.max_file_mb` (at most "
    "25 MB); the type is read from the content (415 otherwise, 413 when too large).",
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 429),
)
async def send_files(
    session: SessionDep,
    request: Request,
    user: CurrentUser,
    conversation_uuid: ConversationUuid,
    form: Annotated[MessageUpload, Form(media_type="multipart/form-data")],
) -> MessageOut:
    await _rate(request, user)
    conversation = await service.mine(session, user, conversation_uuid)
    message = await service.send_files(session, user, conversation, form.content, form.files)
    return service.message_out(message, user)


@router.get(
    "/{conversation_uuid}/messages/{message_uuid}/files/{file_id}",
    summary="Download a file of a message",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file."},
        **problem_responses(401, 404, 422),
    },
)
async def download(
    session: SessionDep,
    user: CurrentUser,
    conversation_uuid: ConversationUuid,
    message_uuid: MessageUuid,
    file_id: FileId,
) -> Response:
    conversation = await service.mine(session, user, conversation_uuid)
    return attachment(await service.attachment(session, conversation, message_uuid, file_id))


@router.post(
    "/{conversation_uuid}/messages/{message_uuid}/report",
    status_code=204,
    summary="Report a message to the admins",
    description="Someone else's message, once (409 `already_reported`); `block` also blocks "
    "its sender.",
    responses=problem_responses(401, 404, 409, 422),
)
async def report(
    session: SessionDep,
    user: CurrentUser,
    conversation_uuid: ConversationUuid,
    message_uuid: MessageUuid,
    body: ReportIn,
) -> Response:
    conversation = await service.mine(session, user, conversation_uuid)
    await safety.report(session, user, conversation, message_uuid, body)
    return Response(status_code=204)


# -- blocks and settings ------------------------------------------------------------------------

me_router = ApiRouter(prefix="/me", tags=["messaging"])
UserUuid = Annotated[uuid.UUID, Path(description="The user's uuid.")]


@me_router.get(
    "/blocked-users",
    response_model=Page[Person],
    summary="The people I blocked",
    responses=problem_responses(401, 422),
)
async def blocked_users(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[Person]:
    items, meta = await safety.blocked_by(session, user, params)
    return Page(items=items, meta=meta)


@me_router.put(
    "/blocked-users/{user_uuid}",
    status_code=204,
    summary="Block someone: they can no longer write to me",
    description="In a new conversation or one under way (403 `blocked` for them). Admins "
    "still reach everyone.",
    responses=problem_responses(401, 404, 422),
)
async def block(session: SessionDep, user: CurrentUser, user_uuid: UserUuid) -> Response:
    await safety.block(session, user, user_uuid)
    return Response(status_code=204)


@me_router.delete(
    "/blocked-users/{user_uuid}",
    status_code=204,
    summary="Unblock someone",
    responses=problem_responses(401, 404, 422),
)
async def unblock(session: SessionDep, user: CurrentUser, user_uuid: UserUuid) -> Response:
    await safety.unblock(session, user, user_uuid)
    return Response(status_code=204)


@me_router.get(
    "/messaging-settings",
    response_model=MessagingSettingsOut,
    summary="Whether I take direct messages",
    responses=problem_responses(401),
)
async def messaging_settings(session: SessionDep, user: CurrentUser) -> MessagingSettingsOut:
    return MessagingSettingsOut(accepts_messages=await safety.accepts_messages(session, user))


@me_router.put(
    "/messaging-settings",
    response_model=MessagingSettingsOut,
    summary="Turn direct messages on or off (instructors)",
    description="Off: no one but admins starts a conversation with me (403 `messages_off`); "
    "conversations under way go on. 403 `not_an_instructor` for others.",
    responses=problem_responses(401, 403, 422),
)
async def change_messaging_settings(
    session: SessionDep, user: CurrentUser, body: MessagingSettings
) -> MessagingSettingsOut:
    accepts = await safety.set_accepts_messages(session, user, body.accepts_messages)
    return MessagingSettingsOut(accepts_messages=accepts)


# -- the admins' reports ------------------------------------------------------------------------

admin_router = ApiRouter(prefix="/admin/message-reports", tags=["messaging"])


@admin_router.get(
    "",
    response_model=Page[ReportOut],
    summary="Reported messages, oldest first",
    responses=problem_responses(401, 403, 422),
)
async def message_reports(
    session: SessionDep,
    _admin: CurrentAdmin,
    open_only: Annotated[bool, Query(alias="open", description="Only undecided ones.")] = True,
    params: PageParams = Depends(page_params),
) -> Page[ReportOut]:
    items, meta = await safety.reports(session, params, open_only=open_only)
    return Page(items=items, meta=meta)


@admin_router.post(
    "/{report_id}/resolve",
    status_code=204,
    summary="Decide a report: take the message down, or dismiss",
    description="`removed` takes the message down for everyone and settles every report of "
    "it; 409 `already_resolved`.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def resolve(
    session: SessionDep,
    admin: CurrentAdmin,
    report_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    body: ResolutionIn,
) -> Response:
    await safety.resolve(session, admin, report_id, body.resolution)
    return Response(status_code=204)
