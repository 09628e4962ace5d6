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
    meta = await _meta(session, statement, params)
    rows = await session.scalars(statement.limit(params.per_page).offset(params.offset))
    return list(rows), meta


async def paginate_rows(
    session: AsyncSession, statement: Select[*tuple[Any, ...]], params: PageParams
) -> tuple[list[Any], PageMeta]:
    """The page's rows (whole rows, for statements of several columns) and its metadata."""
    meta = await _meta(session, statement, params)
    rows = await session.execute(statement.limit(params.per_page).offset(params.offset))
    return list(rows), meta


async def _meta(
    session: AsyncSession, statement: Select[*tuple[Any, ...]], params: PageParams
) -> PageMeta:
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    return params.meta(int(total or 0))
