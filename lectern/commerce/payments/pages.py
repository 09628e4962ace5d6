"""The sandbox's pay page: what the buyer sees instead of a real gateway's (plain HTML, no
script). Anyone holding the link may pay, as with a gateway's hosted page: the order's uuid
is the secret. Its buttons post back here and become a signed webhook event."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse

from lectern.commerce.gateways import registry as gateways
from lectern.commerce.gateways import sandbox
from lectern.commerce.orders.fulfilment import items_of
from lectern.commerce.payments import service
from lectern.db import SessionDep
from lectern.errors import LecternError, NotFound
from lectern.kit.routing import OpeningRoute
from lectern.models import Order, OrderStatus
from lectern.pages import csrf
from lectern.pages.views import page_templates, render

router = APIRouter(include_in_schema=False, route_class=OpeningRoute)
templates = page_templates("lectern.commerce.payments")

OrderUuid = Annotated[uuid.UUID, Path()]
Outcome = Annotated[sandbox.Outcome, Form()]
CsrfToken = Annotated[str, Form(alias=csrf.FIELD, max_length=100)]

TITLE = "Sandbox payment"
STATES = {
    OrderStatus.COMPLETED: "This order is paid: its courses are yours.",
    OrderStatus.FAILED: "The payment of this order failed. Check out again to retry.",
    OrderStatus.CANCELLED: "This order is closed (it expired, or a later checkout replaced "
    "it). Check out again to buy its courses.",
    OrderStatus.REFUNDED: "This order was refunded.",
    OrderStatus.PARTIALLY_REFUNDED: "This order is paid, and partly refunded.",
}


async def _sandbox_order(session: SessionDep, order_uuid: uuid.UUID) -> Order:
    gateways.serving(sandbox.SandboxGateway.name)
    order = await service.order_by_uuid(session, order_uuid)
    if order.payment_gateway != sandbox.SandboxGateway.name:
        raise NotFound("no such order")
    return order


@router.get("/payments/sandbox/{order_uuid}")
async def pay_page(session: SessionDep, request: Request, order_uuid: OrderUuid) -> HTMLResponse:
    try:
        order = await _sandbox_order(session, order_uuid)
    except LecternError as refused:
        return await _outcome(session, request, refused.detail.capitalize() + ".", refused.status)
    if order.status != OrderStatus.PENDING:
        return await _outcome(session, request, STATES.get(order.status, ""), done=True)
    items = await items_of(session, order)
    return await render(
        session,
        request,
        "sandbox_pay",
        form=True,
        templates=templates,
        action=f"/payments/sandbox/{order.uuid}/pay",
        order_number=order.order_number,
        currency=order.currency,
        items=[{"title": item.course_title, "price": item.price} for item in items],
        discount=order.discount_amount if order.discount_amount else "",
        coupon=order.coupon_code or "",
        tax=order.tax_amount if order.tax_amount else "",
        total=order.total,
    )


@router.post("/payments/sandbox/{order_uuid}/pay")
async def pay(
    session: SessionDep,
    request: Request,
    order_uuid: OrderUuid,
    outcome: Outcome,
    csrf_token: CsrfToken,
) -> HTMLResponse:
    if not csrf.is_valid(request, csrf_token):
        return await _outcome(
            session,
            request,
            "This form was not opened on this site. Open the pay page again.",
            403,
        )
    try:
        order = await _sandbox_order(session, order_uuid)
        await service.sandbox_payment(session, order, outcome)
    except LecternError as refused:
        await session.rollback()
        return await _outcome(session, request, refused.detail.capitalize() + ".", refused.status)
    await session.refresh(order)
    message = STATES.get(order.status, "The payment is being processed.")
    return await _outcome(session, request, message, done=order.status == OrderStatus.COMPLETED)


async def _outcome(
    session: SessionDep, request: Request, message: str, status: int = 200, *, done: bool = False
) -> HTMLResponse:
    return await render(
        session, request, "outcome", status=status, title=TITLE, message=message, done=done
    )
