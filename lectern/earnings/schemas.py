"""Bodies of the earnings and revenue routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import Field

from lectern.kit.schemas import Output
from lectern.models import InstructorEarningStatus


class EarningTotalsOut(Output):
    currency: str
    pending: Decimal = Field(description="Sales still inside the refund window.")
    cleared: Decimal = Field(description="Past the refund window: due in the next payout.")
    paid: Decimal = Field(description="Paid out.")
    refunded: Decimal = Field(description="Taken back by refunds.")


class CourseEarningsOut(Output):
    course_uuid: uuid.UUID
    course_title: str
    currency: str
    sales: int
    earned: Decimal


class MonthEarningsOut(Output):
    month: str = Field(examples=["2026-12"])
    currency: str
    sales: int
    earned: Decimal


class EarningsOut(Output):
    totals: list[EarningTotalsOut]
    by_course: list[CourseEarningsOut]
    by_month: list[MonthEarningsOut]


class SaleOut(Output):
    order_number: str
    paid_at: datetime | None
    currency: str
    course_uuid: uuid.UUID
    course_title: str
    order_amount: Decimal = Field(description="What the item brought in, after discount and tax.")
    commission_rate: Decimal = Field(description="The percent of it that is mine.")
    instructor_amount: Decimal
    status: InstructorEarningStatus


class RevenueOut(Output):
    period: str = Field(examples=["2026-12", "2026-12-06"])
    currency: str
    orders: int
    gross: Decimal = Field(description="Prices of what was sold, before discounts.")
    discounts: Decimal
    tax: Decimal
    collected: Decimal = Field(description="What buyers paid.")
    refunds: Decimal = Field(description="Refunded in the period.")
    instructors: Decimal = Field(description="Instructors' shares of the sales kept.")
    platform: Decimal = Field(description="The platform's share of the sales kept, before tax.")
