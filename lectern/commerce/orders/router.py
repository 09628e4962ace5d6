"""HTTP routes of checkout and the buyer's orders: /checkout, /orders."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from lectern.commerce.orders import service
from lectern.commerce.orders.schemas import CheckoutIn, OrderItemOut, OrderOut
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import Order
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="", tags=["orders"])

OrderUuid = Annotated[uuid.UUID, Path(description="The order's uuid.")]


def _order(order: Order, items: list[OrderItemOut] | None = None) -> OrderOut:
    fields = {name: getattr(order, name) for name in OrderOut.model_fields if name != "items"}
    return OrderOut.model_validate({**fields, "items": items or []})


async def _out(session: SessionDep, placed: service.Placed) -> OrderOut:
    uuids = await service.course_uuids(session, placed.items)
    return _order(
        placed.order,
        [
            OrderItemOut(
                course_uuid=uuids[item.course_id],
                course_title=item.course_title,
                price=item.price,
                discount=item.discount,
                final_price=item.final_price,
            )
            for item in placed.items
        ],
    )


@router.post(
    "/checkout",
    status_code=201,
    response_model=OrderOut,
    summary="Place an order for my cart",
    description="The cart as it stands, priced now: every line must be buyable (409 "
    "`cart_has_unbuyable` listing the lines and why; 409 `cart_empty`), the coupon must "
    "still apply (422 with its reason), and a use of it is reserved (422 `coupon_used_up` "
    "when parallel checkouts took the last one). The discount is spread over the lines it "
    "applies to, to the cent. An order that costs nothing is paid at once: its courses are "
    "granted and leave the cart. No payment gateway is set up yet, so an order that costs "
    "money is 422 `payment_unavailable`.",
    responses=problem_responses(401, 409, 422),
)
async def checkout(session: SessionDep, user: CurrentUser, body: CheckoutIn) -> OrderOut:
    return await _out(session, await service.checkout(session, user))


@router.get(
    "/orders",
    response_model=Page[OrderOut],
    summary="My orders, newest first",
    description="Without their lines; `GET /orders/{uuid}` has them.",
    responses=problem_responses(401, 422),
)
async def my_orders(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[OrderOut]:
    orders, meta = await service.my_orders(session, user, params)
    return Page[OrderOut](items=[_order(order) for order in orders], meta=meta)


@router.get(
    "/orders/{order_uuid}",
    response_model=OrderOut,
    summary="One of my orders, with its lines",
    responses=problem_responses(401, 404, 422),
)
async def my_order(session: SessionDep, user: CurrentUser, order_uuid: OrderUuid) -> OrderOut:
    return await _out(session, await service.my_order(session, user, order_uuid))
