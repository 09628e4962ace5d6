"""HTTP routes of payments: the gateways' webhooks, and an admin recording a transfer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Path, Request
from pydantic import Field

from lectern.commerce.payments import service, settlement
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.client import Client
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Input, Output
from lectern.models import OrderPaymentStatus, OrderStatus
from lectern.security.dependencies import CurrentAdmin

router = ApiRouter(prefix="/payments", tags=["payments"])
admin_router = ApiRouter(prefix="/admin/orders", tags=["payments"])


class WebhookOut(Output):
    received: bool
    outcome: str = Field(
        description="handled, ignored (the order was past it), refused (it did not match the "
        "order; logged) or duplicate (delivered before)."
    )


class TransferIn(Input):
    reference: str = Field(
        min_length=1, max_length=255, description="The bank's reference of the transfer."
    )


class TransferOut(Output):
    uuid: uuid.UUID
    order_number: str
    status: OrderStatus
    payment_status: OrderPaymentStatus
    transaction_id: str | None


@router.post(
    "/webhooks/{gateway}",
    response_model=WebhookOut,
    summary="A payment gateway reports an event",
    description="Called by the gateway, not by people. The event must carry the gateway's "
    "valid signature from the last five minutes (400 `bad_signature`, `signature_too_old`), "
    "be of a kind Lectern handles (400 `unknown_event`) and name an order of this site (400 "
    "`unknown_order`); nothing is kept otherwise. Each event has one effect however often it "
    "is delivered.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    responses=problem_responses(400, 404),
)
async def webhook(
    session: SessionDep,
    request: Request,
    gateway: Annotated[str, Path(max_length=32, description="sandbox, …")],
) -> WebhookOut:
    outcome = await settlement.receive(session, gateway, await request.body(), request.headers)
    return WebhookOut(received=True, outcome=outcome.value if outcome else "duplicate")


@admin_router.post(
    "/{order_uuid}/transfer",
    response_model=TransferOut,
    summary="Record the bank transfer that paid an order",
    description="For orders paid through the `manual` gateway (409 `not_a_transfer` "
    "otherwise; 409 `order_paid_already`). The order is settled like any payment: its courses "
    "are granted and the receipt mailed. A transfer for an order that expired meanwhile is "
    "honoured if its courses can still be had, refunded otherwise.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def record_transfer(
    session: SessionDep,
    request: Request,
    admin: CurrentAdmin,
    order_uuid: Annotated[uuid.UUID, Path(description="The order's uuid.")],
    body: TransferIn,
) -> Any:
    order = await service.record_transfer(
        session, admin, Client.of(request), order_uuid, body.reference
    )
    return TransferOut.model_validate(order, from_attributes=True)
