"""``create_*`` helpers for the catalog: categories and tags."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Category, Course, CourseStatus, Tag, User
from tests.factories import create_course

_numbers = itertools.count(1)


async def create_category(
    session: AsyncSession, parent: Category | None = None, **values: Any
) -> Category:
    n = next(_numbers)
    values.setdefault("name", f"Category {n}")
    values.setdefault("slug", f"category-{n}")
    category = Category(parent_id=parent.id if parent is not None else None, **values)
    session.add(category)
    await session.flush()
    return category


async def create_tag(session: AsyncSession, **values: Any) -> Tag:
    n = next(_numbers)
    values.setdefault("name", f"Tag {n}")
    values.setdefault("slug", f"tag-{n}")
    tag = Tag(**values)
    session.add(tag)
    await session.flush()
    return tag


async def create_published_course(
    session: AsyncSession,
    category: Category | None = None,
    subcategory: Category | None = None,
    instructor: User | None = None,
    **values: Any,
) -> Course:
    """A course the public catalog shows (published and approved), in the given categories."""
    values.setdefault("status", CourseStatus.PUBLISHED)
    values.setdefault("is_approved", True)
    values.setdefault("is_published", True)
    return await create_course(
        session,
        instructor,
        category_id=category.id if category is not None else None,
        subcategory_id=subcategory.id if subcategory is not None else None,
        **values,
    )
