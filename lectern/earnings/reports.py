"""Reading the books: an instructor's earnings (totals, by course, by month, sale by sale)
and the platform's revenue by day or month. Each report is a fixed number of statements,
whatever the number of sales: the sums are the database's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.money import unit_of
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import period_of
from lectern.models import (
    Course,
    InstructorEarning,
    InstructorEarningStatus,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
    User,
)

Period = Literal["day", "month"]
# Orders whose money came in (some of it may have gone back since).
PAID_STATUSES = (OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED)
KEPT = InstructorEarning.status != InstructorEarningStatus.REFUNDED


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def instructor_totals(session: AsyncSession, instructor: User) -> list[Any]:
    """Per currency: what is pending, cleared, paid out and refunded."""
    amounts = {
        status: func.sum(
            case((InstructorEarning.status == status, InstructorEarning.instructor_amount), else_=0)
        ).label(status.value)
        for status in InstructorEarningStatus
    }
    statement = (
        select(Order.currency, *amounts.values())
        .join(Order, Order.id == InstructorEarning.order_id)
        .where(InstructorEarning.instructor_id == instructor.id)
        .group_by(Order.currency)
        .order_by(Order.currency)
    )
    return list(await session.execute(statement))


async def instructor_by_course(session: AsyncSession, instructor: User) -> list[Any]:
    statement = (
        select(
            Course.uuid.label("course_uuid"),
            Course.title.label("course_title"),
            Order.currency,
            func.count(InstructorEarning.id).label("sales"),
            func.sum(InstructorEarning.instructor_amount).label("earned"),
        )
        .join(Order, Order.id == InstructorEarning.order_id)
        .join(Course, Course.id == InstructorEarning.course_id)
        .where(InstructorEarning.instructor_id == instructor.id, KEPT)
        .group_by(Course.uuid, Course.title, Order.currency)
        .order_by(func.sum(InstructorEarning.instructor_amount).desc(), Course.title)
    )
    return list(await session.execute(statement))


async def instructor_by_month(
    session: AsyncSession, instructor: User, since: datetime
) -> list[Any]:
    month = period_of(Order.paid_at, "month", _dialect(session)).label("month")
    statement = (
        select(
            month,
            Order.currency,
            func.count(InstructorEarning.id).label("sales"),
            func.sum(InstructorEarning.instructor_amount).label("earned"),
        )
        .join(Order, Order.id == InstructorEarning.order_id)
        .where(InstructorEarning.instructor_id == instructor.id, KEPT, Order.paid_at >= since)
        .group_by(month, Order.currency)
        .order_by(month.desc(), Order.currency)
    )
    return list(await session.execute(statement))


async def instructor_sales(
    session: AsyncSession, instructor: User, params: PageParams
) -> tuple[list[Any], PageMeta]:
    statement = (
        select(
            InstructorEarning.id,
            Order.order_number,
            Order.paid_at,
            Order.currency,
            Course.uuid.label("course_uuid"),
            Course.title.label("course_title"),
            InstructorEarning.order_amount,
            InstructorEarning.commission_rate,
            InstructorEarning.instructor_amount,
            InstructorEarning.status,
        )
        .join(Order, Order.id == InstructorEarning.order_id)
        .join(Course, Course.id == InstructorEarning.course_id)
        .where(InstructorEarning.instructor_id == instructor.id)
        .order_by(Order.paid_at.desc(), InstructorEarning.id.desc())
    )
    return await paginate_rows(session, statement, params)


MONEY = ("gross", "discounts", "tax", "collected", "refunds", "instructors", "platform")


@dataclass
class RevenueRow:
    period: str
    currency: str
    orders: int = 0
    gross: Decimal = Decimal(0)
    discounts: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    collected: Decimal = Decimal(0)
    refunds: Decimal = Decimal(0)
    instructors: Decimal = Decimal(0)
    platform: Decimal = Decimal(0)


async def revenue(
    session: AsyncSession, by: Period, start: datetime, end: datetime
) -> list[RevenueRow]:
    """Per period and currency: what orders paid in it brought (gross before discounts,
    discounts, tax, collected), what was refunded in it, and how the kept sales split between
    instructors and the platform. Three statements."""
    dialect = _dialect(session)
    paid = period_of(Order.paid_at, by, dialect).label("period")
    in_range = (Order.paid_at >= start, Order.paid_at < end, Order.status.in_(PAID_STATUSES))
    sales = await session.execute(
        select(
            paid,
            Order.currency,
            func.count(Order.id).label("orders"),
            func.sum(Order.subtotal).label("gross"),
            func.sum(Order.discount_amount).label("discounts"),
            func.sum(Order.tax_amount).label("tax"),
            func.sum(Order.total).label("collected"),
        )
        .where(*in_range)
        .group_by(paid, Order.currency)
    )
    refunded_at = period_of(Refund.processed_at, by, dialect).label("period")
    refunds = await session.execute(
        select(refunded_at, Refund.currency, func.sum(Refund.amount).label("amount"))
        .where(
            Refund.status == RefundStatus.PROCESSED,
            Refund.processed_at >= start,
            Refund.processed_at < end,
        )
        .group_by(refunded_at, Refund.currency)
    )
    shares = await session.execute(
        select(
            paid,
            Order.currency,
            func.sum(InstructorEarning.instructor_amount).label("instructors"),
            func.sum(InstructorEarning.platform_amount).label("platform"),
        )
        .join(Order, Order.id == InstructorEarning.order_id)
        .where(*in_range, KEPT)
        .group_by(paid, Order.currency)
    )
    rows: dict[tuple[str, str], RevenueRow] = defaultdict(lambda: RevenueRow("", ""))

    def row(period: str, currency: str) -> RevenueRow:
        found = rows[(period, currency)]
        found.period, found.currency = period, currency
        return found

    for sale in sales:
        line = row(sale.period, sale.currency)
        line.orders = int(sale.orders)
        line.gross, line.discounts, line.tax = sale.gross, sale.discounts, sale.tax
        line.collected = sale.collected
    for refund in refunds:
        row(refund.period, refund.currency).refunds = refund.amount
    for share in shares:
        line = row(share.period, share.currency)
        line.instructors, line.platform = share.instructors, share.platform
    for line in rows.values():
        unit = unit_of(line.currency)
        for name in MONEY:
            setattr(line, name, getattr(line, name).quantize(unit))
    return sorted(rows.values(), key=lambda line: (line.period, line.currency))
