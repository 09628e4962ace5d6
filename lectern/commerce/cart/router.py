"""HTTP routes of the cart: /cart, for signed-in users and guests alike."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Request, Response

from lectern.commerce.cart import service
from lectern.commerce.cart.schemas import (
    CartItemIn,
    CartItemOut,
    CartLiveClassOut,
    CartOut,
    CouponCodeIn,
)
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.security.dependencies import CurrentUser, OptionalUser

router = ApiRouter(prefix="/cart", tags=["cart"])

TOKEN_HEADER = "X-Cart-Token"  # noqa: S105 - a header name, not a secret
CartToken = Annotated[
    str | None,
    Header(
        alias=TOKEN_HEADER,
        min_length=20,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="A guest's cart token, as Lectern returned it. Signed in, sending it "
        "once more merges the guest's cart into the user's.",
    ),
]
ItemId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The cart line's id.")]
TOKEN_ANSWER = {
    TOKEN_HEADER: {
        "description": "A guest's new cart token, sent once when their cart is made: send it "
        "back with every cart call (and once after signing in).",
        "schema": {"type": "string"},
    }
}


def _out(shown: service.CartView, response: Response) -> CartOut:
    if shown.new_token is not None:
        response.headers[TOKEN_HEADER] = shown.new_token
    response.headers["Cache-Control"] = "no-store"
    return CartOut(
        items=[
            CartItemOut(
                id=item.id,
                item_type=item.item_type.value,
                course=line.course,
                live_class=(
                    CartLiveClassOut(
                        uuid=line.course.live_class_uuid,
                        title=line.course.class_title,
                        scheduled_at=line.course.class_scheduled_at,
                    )
                    if line.live_class_id is not None
                    else None
                ),
                price=line.price,
                price_when_added=item.price,
                currency=line.course.currency,
                purchasable=line.reason is None,
                reason=line.reason,
            )
            for item, line in shown.lines
        ],
        currency=shown.currency,
        subtotal=shown.subtotal,
        coupon=shown.coupon,
        discount=shown.discount,
        coupon_problem=shown.coupon_problem,
        total=shown.total,
        count=len(shown.lines),
    )


@router.get(
    "",
    response_model=CartOut,
    summary="My cart, priced now",
    description="Each line at the course's current price (`price_when_added` is what it cost "
    "when it went in), with whether it can be bought now and why not "
    "(`course_unavailable`, `course_free`, `not_for_sale`, `own_course`, `already_owned`, "
    "`currency_mismatch`: a guest's line merged in, in another currency than the cart's). "
    "Guests send their `X-Cart-Token`; without one the cart is empty.",
    responses=problem_responses(401, 422),
)
async def get_cart(
    session: SessionDep, user: OptionalUser, response: Response, token: CartToken = None
) -> CartOut:
    shopper = service.Shopper(user, token)
    cart = await service.current_cart(session, shopper)
    return _out(await service.view(session, shopper, cart), response)


@router.post(
    "/items",
    status_code=201,
    response_model=CartOut,
    summary="Put a course, or a seat in a live class, in my cart",
    description="201 when it went in, 200 when it was there already. A guest without a token "
    "gets a cart and its token in `X-Cart-Token`. 409: `course_unavailable`, `course_free`, "
    "`not_for_sale`, `own_course`, `already_owned` (a course held only through an expired "
    "limited enrollment, a refund or a subscription can be bought), `currency_mismatch` "
    "(a cart holds one currency), `cart_full`, `course_in_cart` (one line per course); for "
    "a seat in a priced live class (`live_class`, for the learners of its course): "
    "`class_unavailable`, `class_free`, `not_enrolled`, `already_registered`, `class_full`; "
    "422 `course_not_found`, `live_class_not_found`.",
    responses={
        201: {"description": "Added.", "headers": TOKEN_ANSWER},
        200: {"model": CartOut, "description": "Already in the cart."},
        **problem_responses(401, 409, 422),
    },
)
async def add_item(
    session: SessionDep,
    user: OptionalUser,
    body: CartItemIn,
    response: Response,
    token: CartToken = None,
) -> CartOut:
    shopper = service.Shopper(user, token)
    shown, added = await service.add_item(session, shopper, body.course, body.live_class)
    if not added:
        response.status_code = 200
    return _out(shown, response)


@router.delete(
    "/items/{item_id}",
    status_code=204,
    summary="Take a course out of my cart",
    responses=problem_responses(401, 404, 422),
)
async def remove_item(
    session: SessionDep, user: OptionalUser, item_id: ItemId, token: CartToken = None
) -> Response:
    await service.remove_item(session, service.Shopper(user, token), item_id)
    return Response(status_code=204)


@router.post(
    "/coupon",
    response_model=CartOut,
    summary="Apply a coupon to my cart",
    description="Signed in. One coupon per order: it replaces any other. Answers the cart with "
    "the `discount`, or 422 naming exactly why the coupon does not apply (`coupon_not_found`, "
    "`coupon_inactive`, `coupon_not_started`, `coupon_expired`, `coupon_used_up`, "
    "`coupon_limit_reached`, `coupon_first_purchase_only`, `coupon_currency_mismatch`, "
    "`coupon_not_applicable`, `coupon_min_order`, `cart_empty`); then nothing changes. "
    "Rate-limited per user and client address.",
    responses=problem_responses(401, 422, 429),
)
async def apply_coupon(
    request: Request, session: SessionDep, user: CurrentUser, body: CouponCodeIn, response: Response
) -> CartOut:
    await limit(request, "coupon", "coupon_rate", f"user:{user.id}")
    return _out(await service.apply_coupon(session, user, body.code), response)


@router.delete(
    "/coupon",
    response_model=CartOut,
    summary="Take the coupon off my cart",
    responses=problem_responses(401, 422),
)
async def remove_coupon(session: SessionDep, user: CurrentUser, response: Response) -> CartOut:
    return _out(await service.remove_coupon(session, user), response)
