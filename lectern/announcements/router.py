"""HTTP routes of announcements: the studio's (a course's), the admins' (the platform's), and
the reader's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.announcements import service
from lectern.announcements.schemas import AnnouncementIn, AnnouncementOut
from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="", tags=["announcements"])
studio_router = ApiRouter(prefix="/studio/courses", tags=["announcements"])
admin_router = ApiRouter(prefix="/admin/announcements", tags=["announcements"])

AnnouncementUuid = Annotated[uuid.UUID, Path(description="The announcement's uuid.")]
DELIVERY = (
    "Shown from `published_at` (now when left out) until `expires_at`; delivered once when it "
    "appears: a notification to each of its audience and, with `send_email`, an e-mail to "
    "those whose preference allows (promotional ones: those who opted in to promotions), by "
    "jobs in batches."
)


@studio_router.post(
    "/{course_uuid}/announcements",
    status_code=201,
    response_model=AnnouncementOut,
    summary="Announce to a course's students",
    description=DELIVERY + " Promotional announcements: `announcements.promotional_per_month` "
    "per instructor (403 `promotion_limit`). `specific` names students of the course.",
    responses=problem_responses(401, 403, 404, 422),
)
async def announce(
    session: SessionDep, user: CurrentUser, course: EditableCourse, body: AnnouncementIn
) -> AnnouncementOut:
    announcement = await service.post(session, user, course, body)
    return service.out(announcement, course.uuid, None)


@studio_router.get(
    "/{course_uuid}/announcements",
    response_model=Page[AnnouncementOut],
    summary="A course's announcements, newest first",
    responses=problem_responses(401, 403, 404, 422),
)
async def course_announcements(
    session: SessionDep, course: EditableCourse, params: PageParams = Depends(page_params)
) -> Page[AnnouncementOut]:
    items, meta = await service.of_course(session, course, params)
    return Page(items=items, meta=meta)


@studio_router.delete(
    "/{course_uuid}/announcements/{announcement_uuid}",
    status_code=204,
    summary="Withdraw a course's announcement",
    responses=problem_responses(401, 403, 404, 422),
)
async def withdraw(
    session: SessionDep, course: EditableCourse, announcement_uuid: AnnouncementUuid
) -> Response:
    await service.withdraw(session, course, announcement_uuid)
    return Response(status_code=204)


@admin_router.post(
    "",
    status_code=201,
    response_model=AnnouncementOut,
    summary="Announce to every user",
    description=DELIVERY,
    responses=problem_responses(401, 403, 422),
)
async def announce_to_all(
    session: SessionDep, admin: CurrentAdmin, body: AnnouncementIn
) -> AnnouncementOut:
    return service.out(await service.post(session, admin, None, body), None, None)


@admin_router.get(
    "",
    response_model=Page[AnnouncementOut],
    summary="The platform's announcements, newest first",
    responses=problem_responses(401, 403, 422),
)
async def platform_announcements(
    session: SessionDep, admin: CurrentAdmin, params: PageParams = Depends(page_params)
) -> Page[AnnouncementOut]:
    items, meta = await service.of_platform(session, params)
    return Page(items=items, meta=meta)


@admin_router.delete(
    "/{announcement_uuid}",
    status_code=204,
    summary="Withdraw a platform announcement",
    responses=problem_responses(401, 403, 404, 422),
)
async def withdraw_platform(
    session: SessionDep, admin: CurrentAdmin, announcement_uuid: AnnouncementUuid
) -> Response:
    await service.withdraw(session, None, announcement_uuid)
    return Response(status_code=204)


@router.get(
    "/me/announcements",
    response_model=Page[AnnouncementOut],
    summary="Announcements for me: my courses' and the platform's",
    description="Those showing now, pinned first, newest first, each with `read`.",
    responses=problem_responses(401, 422),
)
async def my_announcements(
    session: SessionDep,
    user: CurrentUser,
    unread: Annotated[bool, Query(description="Only those I have not read.")] = False,
    params: PageParams = Depends(page_params),
) -> Page[AnnouncementOut]:
    items, meta = await service.for_me(session, user, params, unread_only=unread)
    return Page(items=items, meta=meta)


@router.post(
    "/announcements/{announcement_uuid}/read",
    status_code=204,
    summary="Mark an announcement read (once)",
    responses=problem_responses(401, 404, 422),
)
async def read(
    session: SessionDep, user: CurrentUser, announcement_uuid: AnnouncementUuid
) -> Response:
    await service.mark_read(session, user, announcement_uuid)
    return Response(status_code=204)
