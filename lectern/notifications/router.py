"""HTTP routes of the signed-in user's notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Response

from lectern.db import SessionDep
from lectern.errors import NotFound, problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import PageParams, page_params
from lectern.notifications import push, service
from lectern.notifications.schemas import (
    MarkedOut,
    NotificationOut,
    NotificationPage,
    PushDeviceOut,
    PushKeyOut,
    PushSubscriptionIn,
)
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/notifications", tags=["notifications"])

NotificationUuid = Annotated[uuid.UUID, Path(description="The notification's uuid.")]


@router.get(
    "",
    response_model=NotificationPage,
    summary="My notifications, newest first, with my unread count",
    responses=problem_responses(401, 422),
)
async def my_notifications(
    session: SessionDep,
    user: CurrentUser,
    unread: Annotated[bool, Query(description="Only the unread ones.")] = False,
    params: PageParams = Depends(page_params),
) -> NotificationPage:
    items, meta, count = await service.mine(session, user, params, unread_only=unread)
    return NotificationPage(
        items=[NotificationOut.model_validate(item) for item in items],
        meta=meta,
        unread_count=count,
    )


@router.post(
    "/read-all",
    response_model=MarkedOut,
    summary="Mark all my notifications read",
    responses=problem_responses(401),
)
async def read_all(session: SessionDep, user: CurrentUser) -> MarkedOut:
    return MarkedOut(marked=await service.mark_all_read(session, user))


@router.post(
    "/{notification_uuid}/read",
    response_model=NotificationOut,
    summary="Mark one of my notifications read",
    responses=problem_responses(401, 404, 422),
)
async def read_one(
    session: SessionDep, user: CurrentUser, notification_uuid: NotificationUuid
) -> NotificationOut:
    return NotificationOut.model_validate(await service.mark_read(session, user, notification_uuid))


@router.delete(
    "/{notification_uuid}",
    status_code=204,
    summary="Delete one of my notifications",
    responses=problem_responses(401, 404, 422),
)
async def delete_one(
    session: SessionDep, user: CurrentUser, notification_uuid: NotificationUuid
) -> Response:
    await service.remove(session, user, notification_uuid)
    return Response(status_code=204)


# -- Web Push -----------------------------------------------------------------------------------


@router.get(
    "/push/key",
    response_model=PushKeyOut,
    summary="The VAPID public key to subscribe browsers with",
    responses=problem_responses(401),
)
async def push_key(_user: CurrentUser) -> PushKeyOut:
    return PushKeyOut(public_key=push.application_server_key())


@router.put(
    "/push/subscriptions",
    status_code=204,
    summary="Take pushes on this browser or device",
    description="The browser's `PushSubscription` (`toJSON()`). Subscribing again replaces "
    "it; a subscription the push service says is gone (404, 410) is forgotten.",
    responses=problem_responses(401, 422),
)
async def push_subscribe(
    session: SessionDep,
    user: CurrentUser,
    body: PushSubscriptionIn,
    user_agent: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    agent = user_agent[:255] if user_agent else None
    await push.subscribe(session, user, body.endpoint, body.keys.p256dh, body.keys.auth, agent)
    return Response(status_code=204)


@router.get(
    "/push/subscriptions",
    response_model=list[PushDeviceOut],
    summary="My browsers and devices that take pushes",
    responses=problem_responses(401),
)
async def push_devices(session: SessionDep, user: CurrentUser) -> list[PushDeviceOut]:
    return [PushDeviceOut.model_validate(row) for row in await push.devices(session, user)]


@router.delete(
    "/push/subscriptions",
    status_code=204,
    summary="Stop pushes to a browser or device",
    responses=problem_responses(401, 404, 422),
)
async def push_unsubscribe(
    session: SessionDep,
    user: CurrentUser,
    endpoint: Annotated[str, Query(max_length=2048, description="The subscription's endpoint.")],
) -> Response:
    if not await push.unsubscribe(session, user, endpoint):
        raise NotFound("no such subscription of yours", code="subscription_not_found")
    return Response(status_code=204)
