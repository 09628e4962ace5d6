"""The admins' view of every order: filtered lists, a page at a time or as CSV."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.db import unit_of_work
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains
from lectern.models import Order, OrderPaymentStatus, OrderStatus, User

CSV_HEADER = [
    "order_number",
    "created_at",
    "buyer_name",
    "buyer_email",
    "status",
    "payment_status",
    "currency",
    "subtotal",
    "discount",
    "tax",
    "total",
    "coupon_code",
    "payment_gateway",
    "paid_at",
]


@dataclass(frozen=True)
class OrderFilters:
    status: OrderStatus | None = None
    payment_status: OrderPaymentStatus | None = None
    q: str | None = None  # part of the order number or of the buyer's e-mail
    created_from: datetime | None = None
    created_to: datetime | None = None


def _statement(filters: OrderFilters) -> Select[Any]:
    statement = (
        select(
            Order,
            User.uuid.label("buyer_uuid"),
            User.name.label("buyer_name"),
            User.email.label("buyer_email"),
        )
        .join(User, User.id == Order.user_id)
        .where(Order.deleted_at.is_(None))
    )
    if filters.status is not None:
        statement = statement.where(Order.status == filters.status)
    if filters.payment_status is not None:
        statement = statement.where(Order.payment_status == filters.payment_status)
    if filters.q:
        pattern = contains(filters.q.lower())
        statement = statement.where(
            or_(
                func.lower(Order.order_number).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if filters.created_from is not None:
        statement = statement.where(Order.created_at >= filters.created_from)
    if filters.created_to is not None:
        statement = statement.where(Order.created_at < filters.created_to)
    return cast("Select[Any]", statement.order_by(Order.created_at.desc(), Order.id.desc()))


async def orders(
    session: AsyncSession, filters: OrderFilters, params: PageParams
) -> tuple[list[Any], PageMeta]:
    """A page of orders with their buyers (two statements)."""
    return await paginate_rows(session, _statement(filters), params)


async def export(filters: OrderFilters) -> AsyncIterator[list[Any]]:
    """Every matching order as CSV cells, streamed in a unit of work of its own (the
    request's has closed by the time the response streams)."""
    async with unit_of_work() as session:
        result = await session.stream(_statement(filters).execution_options(yield_per=500))
        async for row in result:
            order: Order = row[0]
            yield [
                order.order_number,
                order.created_at,
                row.buyer_name,
                row.buyer_email,
                order.status.value,
                order.payment_status.value,
                order.currency,
                order.subtotal,
                order.discount_amount,
                order.tax_amount,
                order.total,
                order.coupon_code,
                order.payment_gateway,
                order.paid_at,
            ]
