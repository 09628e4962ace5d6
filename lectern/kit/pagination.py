"""Paginating a query: two statements (a count and a page) whatever the table's size."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.schemas import PageMeta, PageParams


async def paginate(
    session: AsyncSession, statement: Select[Any], params: PageParams
) -> tuple[list[Any], PageMeta]:
    """The page's rows (scalars) and the page metadata for ``statement``."""
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = await session.scalars(statement.limit(params.per_page).offset(params.offset))
    return list(rows), params.meta(int(total or 0))
