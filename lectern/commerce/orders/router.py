"""HTTP routes of checkout and the buyer's orders: /checkout, /orders."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from lectern.commerce import idempotency
from lectern.commerce.money import unit_of
from lectern.commerce.orders import admin, service
from lectern.commerce.orders.schemas import AdminOrderOut, CheckoutIn, OrderItemOut, OrderOut
from lectern.db import SessionDep
from lectern.errors import InvalidInput, problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, QueryInstant, page_params
from lectern.kit.spreadsheets import csv_download
from lectern.kit.types import utcnow
from lectern.models import Order, OrderPaymentStatus, OrderStatus
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="", tags=["orders"])
admin_router = ApiRouter(prefix="/admin/orders", tags=["orders"])

OrderUuid = Annotated[uuid.UUID, Path(description="The order's uuid.")]
MONEY = ("subtotal", "discount_amount", "tax_amount", "total")


def _order(order: Order, items: list[OrderItemOut] | None = None) -> OrderOut:
    computed = {"items", "payment_url"}
    fields = {name: getattr(order, name) for name in OrderOut.model_fields if name not in computed}
    unit = unit_of(order.currency)  # 1500 JPY, not 1500.00
    fields.update({name: fields[name].quantize(unit) for name in MONEY})
    details = order.payment_details or {}
    url = details.get("url") if order.status == OrderStatus.PENDING else None
    return OrderOut.model_validate({**fields, "payment_url": url, "items": items or []})


async def _out(session: SessionDep, placed: service.Placed) -> OrderOut:
    uuids = await service.course_uuids(session, placed.items)
    unit = unit_of(placed.order.currency)
    return _order(
        placed.order,
        [
            OrderItemOut(
                course_uuid=uuids[item.course_id],
                course_title=item.course_title,
                price=item.price.quantize(unit),
                discount=item.discount.quantize(unit),
                final_price=item.final_price.quantize(unit),
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
    "granted and leave the cart. Any other is `pending` until the gateway (`gateway`, one of "
    "the site's; 422 `gateway_unavailable` otherwise) reports its payment: send the buyer to "
    "`payment_url` (none for a bank transfer). A new checkout closes the buyer's earlier "
    "unpaid orders. With an `Idempotency-Key`, a retry gets the first "
    "answer; the same key with another body is 422 `idempotency_key_reused`.",
    responses=problem_responses(401, 409, 422),
)
async def checkout(
    session: SessionDep,
    user: CurrentUser,
    body: CheckoutIn,
    response: Response,
    idempotency_key: idempotency.KeyHeader = None,
) -> Any:
    request = body.model_dump(mode="json")
    scope = (user.id, "checkout", idempotency_key)
    if (first := await idempotency.answered(session, *scope, request, response)) is not None:
        return first
    billing = body.billing.model_dump(exclude_none=True) if body.billing else {}
    out = await _out(session, await service.checkout(session, user, body.gateway, billing))
    await idempotency.keep(session, *scope, 201, out)
    return out


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


# -- every order, for admins ---------------------------------------------------------------------


async def order_filters(
    status: OrderStatus | None = Query(None, description="Only this status."),
    payment_status: OrderPaymentStatus | None = Query(
        None, description="Only this payment status."
    ),
    q: str | None = Query(
        None,
        min_length=1,
        max_length=100,
        description="Part of the order number or buyer's e-mail.",
    ),
    created_from: QueryInstant | None = Query(None, description="Placed at or after."),
    created_to: QueryInstant | None = Query(None, description="Placed before."),
) -> admin.OrderFilters:
    if created_from is not None and created_to is not None and created_from >= created_to:
        raise InvalidInput("created_from must be before created_to", field="query.created_from")
    return admin.OrderFilters(status, payment_status, q, created_from, created_to)


Filters = Annotated[admin.OrderFilters, Depends(order_filters)]


@admin_router.get(
    "",
    response_model=Page[AdminOrderOut],
    summary="Every order, newest first",
    description="Filtered by status, payment status, part of the order number or the "
    "buyer's e-mail, and when it was placed. Two statements whatever the page.",
    responses=problem_responses(401, 403, 422),
)
async def all_orders(
    session: SessionDep,
    admin_user: CurrentAdmin,
    filters: Filters,
    params: PageParams = Depends(page_params),
) -> Page[AdminOrderOut]:
    rows, meta = await admin.orders(session, filters, params)
    items = [
        AdminOrderOut.model_validate(
            {
                **_order(row[0]).model_dump(),
                "buyer": {"uuid": row.buyer_uuid, "name": row.buyer_name, "email": row.buyer_email},
            }
        )
        for row in rows
    ]
    return Page[AdminOrderOut](items=items, meta=meta)


@admin_router.get(
    ".csv",
    summary="Every order as CSV",
    description="The same filters as the list, every row (no pages), streamed. Cells that a "
    "spreadsheet would run as a formula start with a quote.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The CSV file."},
        **problem_responses(401, 403, 422),
    },
)
async def all_orders_csv(admin_user: CurrentAdmin, filters: Filters) -> StreamingResponse:
    stamp = utcnow().strftime("%Y%m%d")
    return csv_download(f"orders-{stamp}.csv", admin.CSV_HEADER, admin.export(filters))
