"""HTTP routes of refunds: buyers ask (/orders/{uuid}/refund-requests, /refunds), admins
decide (/admin/refunds)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import idempotency
from lectern.commerce.money import unit_of
from lectern.commerce.refunds import decisions, service
from lectern.commerce.refunds.schemas import (
    DecisionIn,
    RefundItemOut,
    RefundOut,
    RefundRequestIn,
    RejectionIn,
)
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.client import Client
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import Refund, RefundStatus
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="", tags=["refunds"])
admin_router = ApiRouter(prefix="/admin/refunds", tags=["refunds"])

RefundUuid = Annotated[uuid.UUID, Path(description="The refund request's uuid.")]


async def _out(session: AsyncSession, refunds: list[Refund]) -> list[RefundOut]:
    orders, items = await service.refund_rows(session, refunds)
    shown = []
    for refund in refunds:
        order = orders[refund.order_id]
        unit = unit_of(refund.currency)
        shown.append(
            RefundOut(
                uuid=refund.uuid,
                order_uuid=order.uuid,
                order_number=order.order_number,
                status=refund.status,
                amount=refund.amount.quantize(unit),
                currency=refund.currency,
                reason=refund.reason,
                admin_notes=refund.admin_notes,
                transaction_id=refund.transaction_id,
                created_at=refund.created_at,
                processed_at=refund.processed_at,
                items=[
                    RefundItemOut(
                        course_uuid=course_uuid,
                        course_title=item.course_title,
                        amount=line.amount.quantize(unit),
                    )
                    for line, item, course_uuid in items.get(refund.id, [])
                ],
            )
        )
    return shown


@router.post(
    "/orders/{order_uuid}/refund-requests",
    status_code=201,
    response_model=RefundOut,
    summary="Ask for a refund of an order of mine",
    description="For the courses named in `items` (all that are left by default). Within "
    "`refunds.window_days` of the payment (422 `refund_window_passed`) and up to "
    "`refunds.max_progress_percent` of each course done (422 `too_far_along`); 409 "
    "`not_refundable` for an order not paid, 409 `already_requested` for a course refunded "
    "or asked back already, 422 `nothing_to_refund` for courses that cost nothing. Each "
    "course is worth its share of what the order cost, tax included. An admin decides; "
    "with an `Idempotency-Key`, a retry gets the first answer.",
    responses=problem_responses(401, 404, 409, 422),
)
async def request_refund(
    session: SessionDep,
    user: CurrentUser,
    order_uuid: Annotated[uuid.UUID, Path(description="The order's uuid.")],
    body: RefundRequestIn,
    response: Response,
    idempotency_key: idempotency.KeyHeader = None,
) -> Any:
    request = {"order": str(order_uuid), **body.model_dump(mode="json")}
    scope = (user.id, "refund", idempotency_key)
    if (first := await idempotency.answered(session, *scope, request, response)) is not None:
        return first
    requested = await service.request(session, user, order_uuid, body.items, body.reason)
    [out] = await _out(session, [requested.refund])
    await idempotency.keep(session, *scope, 201, out)
    return out


@router.get(
    "/refunds",
    response_model=Page[RefundOut],
    summary="My refund requests, newest first",
    responses=problem_responses(401, 422),
)
async def my_refunds(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[RefundOut]:
    refunds, meta = await service.my_refunds(session, user, params)
    return Page[RefundOut](items=await _out(session, refunds), meta=meta)


@admin_router.get(
    "",
    response_model=Page[RefundOut],
    summary="Every refund request, newest first",
    responses=problem_responses(401, 403, 422),
)
async def all_refunds(
    session: SessionDep,
    admin: CurrentAdmin,
    status: RefundStatus | None = Query(None, description="Only this status."),
    params: PageParams = Depends(page_params),
) -> Page[RefundOut]:
    refunds, meta = await service.all_refunds(session, status, params)
    return Page[RefundOut](items=await _out(session, refunds), meta=meta)


@admin_router.post(
    "/{refund_uuid}/approve",
    response_model=RefundOut,
    summary="Approve a refund request: the money goes back",
    description="Pays back through the order's gateway, ends the access the order gave to "
    "those courses (access held otherwise stays), reverses their earnings, and marks the "
    "order refunded or partially refunded. 409 `refund_decided` when it was decided "
    "already (two admins at once: one refunds), 409 `refund_exceeds_payment` when the "
    "order has less left to refund.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def approve(
    session: SessionDep,
    request: Request,
    admin: CurrentAdmin,
    refund_uuid: RefundUuid,
    body: DecisionIn,
) -> RefundOut:
    refund = await decisions.approve(session, admin, Client.of(request), refund_uuid, body.notes)
    [out] = await _out(session, [refund])
    return out


@admin_router.post(
    "/{refund_uuid}/reject",
    response_model=RefundOut,
    summary="Reject a refund request, saying why",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reject(
    session: SessionDep,
    request: Request,
    admin: CurrentAdmin,
    refund_uuid: RefundUuid,
    body: RejectionIn,
) -> RefundOut:
    refund = await decisions.reject(session, admin, Client.of(request), refund_uuid, body.reason)
    [out] = await _out(session, [refund])
    return out
