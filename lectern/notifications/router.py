"""HTTP routes of the signed-in user's notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import PageParams, page_params
from lectern.notifications import service
from lectern.notifications.schemas import MarkedOut, NotificationOut, NotificationPage
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
