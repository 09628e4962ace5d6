"""HTTP routes of coupons: the platform's at /admin/coupons (admins), instructors' own at
/studio/coupons."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.commerce.coupons import service, studio
from lectern.commerce.coupons.schemas import CouponIn, CouponOut, StudioCouponIn
from lectern.courses.policy import require_author
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import Coupon, User
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="/admin/coupons", tags=["coupons"])
studio_router = ApiRouter(prefix="/studio/coupons", tags=["coupons"])

CouponId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The coupon's id.")]
RULES = (
    "Percentage (`discount_value` a percent, capped by `max_discount`), fixed (an amount in "
    "`currency`) or free; `min_order_value` on the whole order; a validity window; "
    "`usage_limit` for everyone and `per_user_limit` per buyer; `applicable_courses` / "
    "`applicable_categories` / `excluded_courses`; `first_purchase_only`. A platform coupon's "
    "discount comes out of the platform's share. 409 `coupon_code_taken`; 422 "
    "`course_not_found` / `category_not_found` naming the field."
)


async def _one(session: SessionDep, coupon: Coupon) -> CouponOut:
    return (await service.shown(session, [coupon]))[0]


async def _page(
    session: SessionDep,
    params: PageParams,
    instructor_id: int | None,
    q: str | None,
    active: bool | None,
) -> Page[CouponOut]:
    """The platform's coupons (``instructor_id`` None) or that instructor's, a page of them."""
    coupons, meta = await service.list_coupons(
        session, params, instructor_id=instructor_id, q=q, active=active
    )
    return Page[CouponOut](items=await service.shown(session, coupons), meta=meta)


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
    return await _one(session, coupon)


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
    return await _page(session, params, None, q, active)


@router.get(
    "/{coupon_id}",
    response_model=CouponOut,
    summary="A platform coupon",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_coupon(session: SessionDep, admin: CurrentAdmin, coupon_id: CouponId) -> CouponOut:
    coupon = await service.coupon_of(session, coupon_id, None)
    return await _one(session, coupon)


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
    coupon = await service.coupon_of(session, coupon_id, None)
    coupon = await service.replace_coupon(session, coupon, body)
    return await _one(session, coupon)


@router.delete(
    "/{coupon_id}",
    status_code=204,
    summary="Delete a platform coupon (it is switched off; its code stays taken)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_coupon(session: SessionDep, admin: CurrentAdmin, coupon_id: CouponId) -> Response:
    await service.delete_coupon(session, await service.coupon_of(session, coupon_id, None))
    return Response(status_code=204)


# -- instructors' own ----------------------------------------------------------------------------

STUDIO_RULES = (
    "For courses I own, named in `applicable_courses`; its discount comes out of my share. "
    "Each course may get `coupons.instructor_monthly_per_course` coupons in a calendar month "
    "(UTC), `coupons.instructor_free_monthly_per_course` of them free (settings; deleted "
    "ones count): 409 `coupon_allowance_used`. 422 `not_your_course` naming the field. "
)


async def _author(session: SessionDep, user: CurrentUser) -> User:
    await require_author(session, user)
    return user


Author = Annotated[User, Depends(_author)]


@studio_router.post(
    "",
    status_code=201,
    response_model=CouponOut,
    summary="Create a coupon for my courses",
    description=STUDIO_RULES + RULES,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_my_coupon(session: SessionDep, user: Author, body: StudioCouponIn) -> CouponOut:
    coupon = await studio.create(session, user, body)
    return await _one(session, coupon)


@studio_router.get(
    "",
    response_model=Page[CouponOut],
    summary="My coupons, newest first",
    responses=problem_responses(401, 403, 422),
)
async def list_my_coupons(
    session: SessionDep,
    user: Author,
    q: Annotated[str | None, Query(max_length=40, description="Part of the code.")] = None,
    active: Annotated[bool | None, Query(description="Only switched on (or off) ones.")] = None,
    params: PageParams = Depends(page_params),
) -> Page[CouponOut]:
    return await _page(session, params, user.id, q, active)


@studio_router.get(
    "/{coupon_id}",
    response_model=CouponOut,
    summary="One of my coupons",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_my_coupon(session: SessionDep, user: Author, coupon_id: CouponId) -> CouponOut:
    coupon = await service.coupon_of(session, coupon_id, user.id)
    return await _one(session, coupon)


@studio_router.put(
    "/{coupon_id}",
    response_model=CouponOut,
    summary="Replace one of my coupons' terms",
    description="Courses it did not cover before count against their month. " + STUDIO_RULES,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def replace_my_coupon(
    session: SessionDep, user: Author, coupon_id: CouponId, body: StudioCouponIn
) -> CouponOut:
    coupon = await service.coupon_of(session, coupon_id, user.id)
    coupon = await studio.replace(session, user, coupon, body)
    return await _one(session, coupon)


@studio_router.delete(
    "/{coupon_id}",
    status_code=204,
    summary="Delete one of my coupons (switched off; its code stays taken)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_my_coupon(session: SessionDep, user: Author, coupon_id: CouponId) -> Response:
    await service.delete_coupon(session, await service.coupon_of(session, coupon_id, user.id))
    return Response(status_code=204)
