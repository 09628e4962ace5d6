"""HTTP routes of the platform's coupons: /admin/coupons (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.commerce.coupons import service
from lectern.commerce.coupons.schemas import CouponIn, CouponOut
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.security.dependencies import CurrentAdmin

router = ApiRouter(prefix="/admin/coupons", tags=["coupons"])

CouponId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The coupon's id.")]
RULES = (
    "Percentage (`discount_value` a percent, capped by `max_discount`), fixed (an amount in "
    "`currency`) or free; `min_order_value` on the whole order; a validity window; "
    "`usage_limit` for everyone and `per_user_limit` per buyer; `applicable_courses` / "
    "`applicable_categories` / `excluded_courses`; `first_purchase_only`. A platform coupon's "
    "discount comes out of the platform's share. 409 `coupon_code_taken`; 422 "
    "`course_not_found` / `category_not_found` naming the field."
)


@router.post(
    "",
    status_code=201,
    response_model=CouponOut,
    summary="Create a platform coupon",
    description=RULES,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_coupon(session: SessionDep, admin: CurrentAdmin, body: CouponIn) -> CouponOut:
    coupon = await service.create_coupon(session, admin, body)
    return (await service.shown(session, [coupon]))[0]


@router.get(
    "",
    response_model=Page[CouponOut],
    summary="The platform's coupons, newest first",
    responses=problem_responses(401, 403, 422),
)
async def list_coupons(
    session: SessionDep,
    admin: CurrentAdmin,
    q: Annotated[str | None, Query(max_length=40, description="Part of the code.")] = None,
    active: Annotated[bool | None, Query(description="Only switched on (or off) ones.")] = None,
    params: PageParams = Depends(page_params),
) -> Page[CouponOut]:
    coupons, meta = await service.list_platform_coupons(session, params, q=q, active=active)
    return Page[CouponOut](items=await service.shown(session, coupons), meta=meta)


@router.get(
    "/{coupon_id}",
    response_model=CouponOut,
    summary="A platform coupon",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_coupon(session: SessionDep, admin: CurrentAdmin, coupon_id: CouponId) -> CouponOut:
    coupon = await service.platform_coupon(session, coupon_id)
    return (await service.shown(session, [coupon]))[0]


@router.put(
    "/{coupon_id}",
    response_model=CouponOut,
    summary="Replace a platform coupon's terms",
    description="Its uses so far stay counted. " + RULES,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def replace_coupon(
    session: SessionDep, admin: CurrentAdmin, coupon_id: CouponId, body: CouponIn
) -> CouponOut:
    coupon = await service.platform_coupon(session, coupon_id)
    coupon = await service.replace_coupon(session, coupon, body)
    return (await service.shown(session, [coupon]))[0]


@router.delete(
    "/{coupon_id}",
    status_code=204,
    summary="Delete a platform coupon (it is switched off; its code stays taken)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_coupon(session: SessionDep, admin: CurrentAdmin, coupon_id: CouponId) -> Response:
    await service.delete_coupon(session, await service.platform_coupon(session, coupon_id))
    return Response(status_code=204)
