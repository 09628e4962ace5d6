"""Slugs and names of categories and tags: unique, and races over them answered with 409."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict
from lectern.kit.slugs import make_slug
from lectern.models import Category, Tag


async def unique_slug(session: AsyncSession, model: type[Category | Tag], name: str) -> str:
    """The name's slug, with -2, -3 ... appended while a row (even a deleted one) has it."""
    base = make_slug(name)
    # make_slug yields [a-z0-9-] only, so the pattern holds no LIKE wildcards.
    taken = set(
        await session.scalars(
            select(model.slug).where(or_(model.slug == base, model.slug.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


async def ensure_slug_free(
    session: AsyncSession, model: type[Category | Tag], slug: str, *, kind: str
) -> None:
    if await session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise Conflict(f"the slug {slug!r} is taken by another {kind}", code="slug_taken")


async def flush_slug(session: AsyncSession, *, kind: str) -> None:
    """Flush; a unique-slug race lost to a concurrent request is a 409, not a 500."""
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"another {kind} took this slug meanwhile", code="slug_taken") from None


def apply_changes(row: Any, changes: dict[str, Any], diff: dict[str, list[Any]]) -> None:
    """Set the changed attributes of ``row``, recording each as [old, new] in ``diff``."""
    for key, value in changes.items():
        old = getattr(row, key)
        if old != value:
            diff[key] = [old, value]
            setattr(row, key, value)
