"""HTTP routes of earnings: an instructor's (/studio/earnings), the platform's revenue
(/admin/revenue)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Query

from lectern.db import SessionDep
from lectern.earnings import reports
from lectern.earnings.schemas import EarningsOut, RevenueOut, SaleOut
from lectern.errors import InvalidInput, problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, QueryInstant, page_params
from lectern.kit.types import utcnow
from lectern.security.dependencies import CurrentAdmin, CurrentUser

studio_router = ApiRouter(prefix="/studio/earnings", tags=["earnings"])
admin_router = ApiRouter(prefix="/admin/revenue", tags=["earnings"])

# The longest range one report covers: a year of days, ten years of months.
MOST_DAYS = {"day": 366, "month": 3660}


@studio_router.get(
    "",
    response_model=EarningsOut,
    summary="My earnings: totals, by course, by month",
    description="Totals per currency by status (pending inside the refund window, cleared, "
    "paid out, refunded); what each course earned; and month by month over the last "
    "`months` months. Refunded sales are left out of the courses and months.",
    responses=problem_responses(401, 403, 422),
)
async def my_earnings(
    session: SessionDep,
    instructor: CurrentUser,
    months: Annotated[int, Query(ge=1, le=120, description="How many months back.")] = 12,
) -> Any:
    since = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    since = (since - timedelta(days=31 * (months - 1))).replace(day=1)
    return {
        "totals": await reports.instructor_totals(session, instructor),
        "by_course": await reports.instructor_by_course(session, instructor),
        "by_month": await reports.instructor_by_month(session, instructor, since),
    }


@studio_router.get(
    "/sales",
    response_model=Page[SaleOut],
    summary="My sales, one by one, newest first",
    responses=problem_responses(401, 403, 422),
)
async def my_sales(
    session: SessionDep,
    instructor: CurrentUser,
    params: PageParams = Depends(page_params),
) -> Page[SaleOut]:
    rows, meta = await reports.instructor_sales(session, instructor, params)
    return Page[SaleOut](items=[SaleOut.model_validate(row) for row in rows], meta=meta)


@admin_router.get(
    "",
    response_model=list[RevenueOut],
    summary="The platform's revenue by day or month",
    description="Per period and currency, oldest first: orders paid, gross, discounts, tax, "
    "collected, refunds made in the period, and how the sales kept split between the "
    "instructors and the platform. The range defaults to the last 30 days (by day) or 12 "
    "months (by month); at most 366 days or 3660 days.",
    responses=problem_responses(401, 403, 422),
)
async def revenue(
    session: SessionDep,
    admin: CurrentAdmin,
    by: Annotated[reports.Period, Query(description="day or month")] = "month",
    start: Annotated[QueryInstant | None, Query(alias="from")] = None,
    end: Annotated[QueryInstant | None, Query(alias="to")] = None,
) -> Any:
    end = end or utcnow()
    start = start or end - timedelta(days=30 if by == "day" else 365)
    if start >= end:
        raise InvalidInput("from must be before to", field="query.from")
    if end - start > timedelta(days=MOST_DAYS[by]):
        raise InvalidInput(
            f"a report by {by} covers at most {MOST_DAYS[by]} days", field="query.from"
        )
    return await reports.revenue(session, by, start, end)
