"""HTTP routes of support: my tickets, and the staff's queue."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.security.dependencies import CurrentAdmin, CurrentUser
from lectern.support import service, staff
from lectern.support.schemas import (
    Category,
    Priority,
    RatingIn,
    StaffTicketMessageIn,
    StaffTicketOut,
    Status,
    TicketDetail,
    TicketIn,
    TicketMessageIn,
    TicketOut,
    TicketUpdate,
)

router = ApiRouter(prefix="/support/tickets", tags=["support"])
admin_router = ApiRouter(prefix="/admin/support/tickets", tags=["support"])

TicketUuid = Annotated[uuid.UUID, Path(description="The ticket's uuid.")]


@router.post(
    "",
    status_code=201,
    response_model=TicketDetail,
    summary="Open a support ticket",
    description="Optionally about a course I take or teach, or an order of mine (422 for "
    "anyone else's). Its number (`T-000123`) is for talking about it.",
    responses=problem_responses(401, 422),
)
async def open_ticket(session: SessionDep, user: CurrentUser, body: TicketIn) -> TicketDetail:
    return await service.open_ticket(session, user, body)


@router.get(
    "",
    response_model=Page[TicketOut],
    summary="My tickets, latest activity first",
    responses=problem_responses(401, 422),
)
async def my_tickets(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[TicketOut]:
    items, meta = await service.mine(session, user, params)
    return Page(items=items, meta=meta)


@router.get(
    "/{ticket_uuid}",
    response_model=TicketDetail,
    summary="One of my tickets, with the conversation",
    responses=problem_responses(401, 404, 422),
)
async def my_ticket(
    session: SessionDep, user: CurrentUser, ticket_uuid: TicketUuid
) -> TicketDetail:
    ticket = await service.my_ticket(session, user, ticket_uuid)
    return await service.detail(session, ticket, staff=False)


@router.post(
    "/{ticket_uuid}/messages",
    response_model=TicketDetail,
    summary="Add to my ticket",
    description="A ticket waiting for me, or resolved, opens again; a closed one is 409 "
    "`ticket_closed`.",
    responses=problem_responses(401, 404, 409, 422),
)
async def add_message(
    session: SessionDep, user: CurrentUser, ticket_uuid: TicketUuid, body: TicketMessageIn
) -> TicketDetail:
    ticket = await service.my_ticket(session, user, ticket_uuid)
    return await service.add_message(session, user, ticket, body.message)


@router.put(
    "/{ticket_uuid}/rating",
    response_model=TicketDetail,
    summary="Rate the help I got (once the ticket is resolved; once)",
    responses=problem_responses(401, 404, 409, 422),
)
async def rate(
    session: SessionDep, user: CurrentUser, ticket_uuid: TicketUuid, body: RatingIn
) -> TicketDetail:
    ticket = await service.my_ticket(session, user, ticket_uuid)
    return await service.rate(session, user, ticket, body)


@admin_router.get(
    "",
    response_model=Page[StaffTicketOut],
    summary="The support queue",
    description="Unfinished tickets unless `status` is given; urgent and high first, then "
    "oldest. `assigned`: `me` or `nobody`; `q`: subject, number or requester's e-mail.",
    responses=problem_responses(401, 403, 422),
)
async def support_queue(
    session: SessionDep,
    admin: CurrentAdmin,
    status: Status | None = None,
    priority: Priority | None = None,
    category: Category | None = None,
    assigned: Literal["me", "nobody"] | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    params: PageParams = Depends(page_params),
) -> Page[StaffTicketOut]:
    items, meta = await staff.queue(
        session,
        admin,
        params,
        status=status,
        priority=priority,
        category=category,
        assigned=assigned,
        q=q,
    )
    return Page(items=items, meta=meta)


@admin_router.get(
    "/{ticket_uuid}",
    response_model=TicketDetail,
    summary="A ticket with its conversation and internal notes",
    responses=problem_responses(401, 403, 404, 422),
)
async def staff_ticket(
    session: SessionDep, admin: CurrentAdmin, ticket_uuid: TicketUuid
) -> TicketDetail:
    return await service.detail(session, await staff.ticket(session, ticket_uuid), staff=True)


@admin_router.patch(
    "/{ticket_uuid}",
    response_model=TicketDetail,
    summary="Assign, prioritise, recategorise, resolve or close a ticket",
    responses=problem_responses(401, 403, 404, 422),
)
async def change_ticket(
    session: SessionDep, admin: CurrentAdmin, ticket_uuid: TicketUuid, body: TicketUpdate
) -> TicketDetail:
    return await staff.change(session, await staff.ticket(session, ticket_uuid), body)


@admin_router.post(
    "/{ticket_uuid}/replies",
    response_model=TicketDetail,
    summary="Answer a ticket (the user is mailed), or add an internal note",
    responses=problem_responses(401, 403, 404, 422),
)
async def staff_reply(
    session: SessionDep, admin: CurrentAdmin, ticket_uuid: TicketUuid, body: StaffTicketMessageIn
) -> TicketDetail:
    ticket = await staff.ticket(session, ticket_uuid)
    return await staff.reply(session, admin, ticket, body.message, internal=body.internal)
