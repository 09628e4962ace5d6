"""HTTP routes of the cart: /cart, for signed-in users and guests alike."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Request, Response

from lectern.commerce.cart import service
from lectern.commerce.cart.schemas import CartItemIn, CartOut, CouponCodeIn
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.prebuilt import from_rows
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


def _out(shown: service.CartView, status_code: int = 200) -> Response:
    """The cart as ``CartOut`` holds it, answered straight from its values (the model stays
    for the OpenAPI document; the tests check the answers against it)."""
    answer = from_rows(
        {
            "items": [_item(item, line) for item, line in shown.lines],
            "currency": shown.currency,
            "subtotal": shown.subtotal,
            "coupon": (
                {"code": shown.coupon.code, "name": shown.coupon.name} if shown.coupon else None
            ),
            "discount": shown.discount,
            "coupon_problem": shown.coupon_problem,
            "total": shown.total,
            "count": len(shown.lines),
        }
    )
    answer.status_code = status_code
    if shown.new_token is not None:
        answer.headers[TOKEN_HEADER] = shown.new_token
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _item(item: service.Item, line: service.Line) -> dict[str, Any]:
    """A ``CartItemOut``."""
    course = line.course
    return {
        "id": item.id,
        "item_type": item.item_type.value,
        "course": {
            "uuid": course.uuid,
            "slug": course.slug,
            "title": course.title,
            "thumbnail": course.thumbnail,
            "instructor_name": course.instructor_name,
        },
        "live_class": (
            {
                "uuid": course.live_class_uuid,
                "title": course.class_title,
                "scheduled_at": course.class_scheduled_at,
            }
            if line.live_class_id is not None
            else None
        ),
        "price": line.price,
        "price_when_added": item.price,
        "currency": course.currency,
        "purchasable": line.reason is None,
        "reason": line.reason,
    }


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
async def get_cart(session: SessionDep, user: OptionalUser, token: CartToken = None) -> Response:
    shopper = service.Shopper(user, token)
    cart = await service.current_cart(session, shopper)
    return _out(await service.view(session, shopper, cart))


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
    token: CartToken = None,
) -> Response:
    shopper = service.Shopper(user, token)
    shown, added = await service.add_item(session, shopper, body.course, body.live_class)
    return _out(shown, 201 if added else 200)


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
    request: Request, session: SessionDep, user: CurrentUser, body: CouponCodeIn
) -> Response:
    await limit(request, "coupon", "coupon_rate", f"user:{user.id}")
    return _out(await service.apply_coupon(session, user, body.code))


@router.delete(
    "/coupon",
    response_model=CartOut,
    summary="Take the coupon off my cart",
    responses=problem_responses(401, 422),
)
async def remove_coupon(session: SessionDep, user: CurrentUser) -> Response:
    return _out(await service.remove_coupon(session, user))
