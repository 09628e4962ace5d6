"""Categories and tags: the category tree here, tags in tags.py. Flushes, never commits.

Decisions (see also the router's docstrings):

- The tree has two levels: top-level categories and their subcategories. A parent must be a
  top-level category, and a category that has subcategories (deleted ones included, since
  they may be restored) cannot itself become a subcategory. A parent that is the category
  itself or one of its own subcategories is a cycle. Both are 422s on the ``parent`` field.
- Names are unique (case-insensitively) among the not-deleted siblings of a parent, and tag
  names among all tags: a second "Python" is a 409, not "python-2".
- Slugs: made from the name, unique against every row (deleted ones included: the database
  keeps them), -2, -3 ... appended; never changed by a rename; an administrator may set one
  explicitly, a taken one being a 409.
- Soft-deleting a category that still has not-deleted subcategories is refused (409): delete
  or move them first, so nothing is hidden by accident. Courses keep their category ids. A
  category is restored only while its parent is not deleted (409 otherwise). A deleted
  category is not edited (409: restore it first).
- Tags have no deleted_at: an administrator's delete deactivates the tag (is_active=false),
  keeping its course_tag rows, and restore reactivates it.
- Course counts: published, approved, not deleted courses whose category or subcategory is
  the category or one of its subcategories, each course counted once; computed with one
  grouped query per request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.types import utcnow
from lectern.models import Category, Course, CourseStatus
from lectern.platform.activity import ADMIN, log_activity
from lectern.security.actor import Actor
from lectern.taxonomy import policy
from lectern.taxonomy.schemas import (
    CategoryCreate,
    CategoryReorder,
    CategoryUpdate,
)
from lectern.taxonomy.slugs import apply_changes, ensure_slug_free, flush_slug, unique_slug

# Fields of a category copied as they are from a create or update body.
_CATEGORY_FIELDS = ("name", "description", "icon", "image", "color", "is_featured", "is_active")


@dataclass
class CategoryView:
    """A category as the API shows it: its parent's slug, course count and children."""

    category: Category
    parent_slug: str | None
    course_count: int
    children: list[CategoryView] = field(default_factory=list)


# -- categories: reads ------------------------------------------------------------------------


def _published_courses() -> Select[int | None, int | None, int]:
    return (
        select(Course.category_id, Course.subcategory_id, func.count())
        .where(
            Course.status == CourseStatus.PUBLISHED,
            Course.is_approved.is_(True),
            Course.deleted_at.is_(None),
            or_(Course.category_id.is_not(None), Course.subcategory_id.is_not(None)),
        )
        .group_by(Course.category_id, Course.subcategory_id)
    )


async def _course_counts(
    session: AsyncSession,
    parent_of: Mapping[int, int | None],
    only: Collection[int] | None = None,
) -> dict[int, int]:
    """Published courses per category, a parent counting its subcategories' courses too.

    One query: the number of courses per (category_id, subcategory_id) pair; each pair's
    courses count once for every category the pair reaches by walking up ``parent_of``.
    """
    statement = _published_courses()
    if only is not None:
        statement = statement.where(
            or_(Course.category_id.in_(only), Course.subcategory_id.in_(only))
        )
    counts: dict[int, int] = defaultdict(int)
    for category_id, subcategory_id, number in await session.execute(statement):
        reached: set[int] = set()
        for start in (category_id, subcategory_id):
            node = start
            while node is not None and node not in reached:
                reached.add(node)
                node = parent_of.get(node)
        for node in reached:
            counts[node] += number
    return counts


def _sibling_order() -> tuple[Any, ...]:
    # lower(): the same order on SQLite (binary collation) and PostgreSQL (locale collation).
    return (Category.order, func.lower(Category.name), Category.id)


def _visible(category: Category) -> bool:
    return category.is_active and category.deleted_at is None


async def category_tree(session: AsyncSession, *, include_hidden: bool) -> list[CategoryView]:
    """The whole tree, ordered by ``order`` then name: public (active, not deleted, under a
    public parent) or, for administrators, everything. Two queries."""
    rows = list(await session.scalars(select(Category).order_by(*_sibling_order())))
    by_id = {row.id: row for row in rows}
    counts = await _course_counts(session, {row.id: row.parent_id for row in rows})
    children_of: dict[int | None, list[Category]] = defaultdict(list)
    for row in rows:
        if include_hidden or _visible(row):
            children_of[row.parent_id].append(row)

    def build(category: Category) -> CategoryView:
        parent = by_id.get(category.parent_id) if category.parent_id is not None else None
        return CategoryView(
            category=category,
            parent_slug=parent.slug if parent is not None else None,
            course_count=counts.get(category.id, 0),
            children=[build(child) for child in children_of.get(category.id, [])],
        )

    # Built from the roots down, so a hidden category hides its whole subtree.
    return [build(root) for root in children_of.get(None, [])]


async def _category_view(
    session: AsyncSession, category: Category, parent: Category | None, *, include_hidden: bool
) -> CategoryView:
    """One category with its children and course counts (two queries)."""
    statement = select(Category).where(Category.parent_id == category.id)
    if not include_hidden:
        statement = statement.where(Category.is_active.is_(True), Category.deleted_at.is_(None))
    children = list(await session.scalars(statement.order_by(*_sibling_order())))
    parent_of: dict[int, int | None] = {category.id: category.parent_id}
    parent_of.update({child.id: category.id for child in children})
    counts = await _course_counts(session, parent_of, only=list(parent_of))
    return CategoryView(
        category=category,
        parent_slug=parent.slug if parent is not None else None,
        course_count=counts.get(category.id, 0),
        children=[
            CategoryView(child, category.slug, counts.get(child.id, 0)) for child in children
        ],
    )


async def _parent_of(session: AsyncSession, category: Category) -> Category | None:
    if category.parent_id is None:
        return None
    return await session.get(Category, category.parent_id)


async def get_category(session: AsyncSession, slug: str, *, include_hidden: bool) -> CategoryView:
    """A category with its children; a hidden one is a 404 for the public."""
    category = await session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound(f"no category {slug!r}")
    parent = await _parent_of(session, category)
    if not include_hidden and not policy.category_is_public(category, parent):
        raise NotFound(f"no category {slug!r}")
    return await _category_view(session, category, parent, include_hidden=include_hidden)


# -- categories: writes -----------------------------------------------------------------------


async def _category_for_admin(session: AsyncSession, slug: str) -> Category:
    category = await session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound(f"no category {slug!r}")
    return category


async def _resolve_parent(session: AsyncSession, slug: str | None) -> Category | None:
    """The category named as a parent: it must exist and not be deleted (else 422)."""
    if slug is None:
        return None
    parent = await session.scalar(
        select(Category).where(Category.slug == slug, Category.deleted_at.is_(None))
    )
    if parent is None:
        raise InvalidInput(f"no category {slug!r} to be the parent", field="parent")
    return parent


def _check_depth(parent: Category | None) -> None:
    if parent is not None and parent.parent_id is not None:
        raise InvalidInput(
            f"{parent.slug!r} is a subcategory; categories have two levels only",
            field="parent",
            code="category_too_deep",
        )


async def _ensure_name_free(
    session: AsyncSession, name: str, parent_id: int | None, *, exclude_id: int | None = None
) -> None:
    statement = select(Category.id).where(
        func.lower(Category.name) == name.lower(),
        Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id,
        Category.deleted_at.is_(None),
    )
    if exclude_id is not None:
        statement = statement.where(Category.id != exclude_id)
    if await session.scalar(statement.limit(1)) is not None:
        where = "at the top level" if parent_id is None else "under this parent"
        raise Conflict(f"a category named {name!r} exists {where}", code="category_exists")


async def _next_order(session: AsyncSession, parent_id: int | None) -> int:
    """The position after the last of a parent's not-deleted children."""
    last = await session.scalar(
        select(func.max(Category.order)).where(
            Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id,
            Category.deleted_at.is_(None),
        )
    )
    return 0 if last is None else int(last) + 1


async def create_category(
    session: AsyncSession,
    data: CategoryCreate,
    *,
    actor: Actor,
) -> CategoryView:
    parent = await _resolve_parent(session, data.parent)
    _check_depth(parent)
    parent_id = parent.id if parent is not None else None
    await _ensure_name_free(session, data.name, parent_id)
    if data.slug is not None:
        await ensure_slug_free(session, Category, data.slug, kind="category")
        slug = data.slug
    else:
        slug = await unique_slug(session, Category, data.name)
    category = Category(
        parent_id=parent_id,
        slug=slug,
        order=data.order if data.order is not None else await _next_order(session, parent_id),
        meta=data.meta,
        **{name: getattr(data, name) for name in _CATEGORY_FIELDS},
    )
    session.add(category)
    await flush_slug(session, kind="category")
    log_activity(
        session,
        log_name=ADMIN,
        event="category.created",
        description=f"Created the category {category.name} ({category.slug})",
        causer=actor.user,
        subject=category,
        properties={"slug": category.slug, "parent": parent.slug if parent else None},
        client=actor.client,
    )
    return await _category_view(session, category, parent, include_hidden=True)


async def update_category(
    session: AsyncSession,
    slug: str,
    data: CategoryUpdate,
    *,
    actor: Actor,
) -> CategoryView:
    category = await _category_for_admin(session, slug)
    if category.deleted_at is not None:
        raise Conflict(f"the category {slug!r} is deleted; restore it first", code="deleted")
    changes = data.changes()
    parent = await _parent_of(session, category)
    diff: dict[str, list[Any]] = {}

    if "parent" in changes:
        new_parent = await _resolve_parent(session, changes.pop("parent"))
        new_parent_id = new_parent.id if new_parent is not None else None
        if new_parent_id != category.parent_id:
            await _check_move(session, category, new_parent)
            diff["parent"] = [
                parent.slug if parent is not None else None,
                new_parent.slug if new_parent is not None else None,
            ]
            category.parent_id = new_parent_id
            parent = new_parent
            if "order" not in changes:
                changes["order"] = await _next_order(session, new_parent_id)

    name = changes.get("name", category.name)
    if name.lower() != category.name.lower() or "parent" in diff:
        await _ensure_name_free(session, name, category.parent_id, exclude_id=category.id)

    new_slug = changes.pop("slug", category.slug)
    if new_slug != category.slug:
        await ensure_slug_free(session, Category, new_slug, kind="category")
        diff["slug"] = [category.slug, new_slug]
        category.slug = new_slug

    apply_changes(category, changes, diff)

    if diff:
        await flush_slug(session, kind="category")
        log_activity(
            session,
            log_name=ADMIN,
            event="category.updated",
            description=f"Updated the category {category.name} ({category.slug})",
            causer=actor.user,
            subject=category,
            properties={"changes": diff},
            client=actor.client,
        )
    return await _category_view(session, category, parent, include_hidden=True)


async def _check_move(session: AsyncSession, category: Category, parent: Category | None) -> None:
    """Moving ``category`` under ``parent`` keeps the tree acyclic and two levels deep."""
    if parent is None:
        return
    if parent.id == category.id or parent.parent_id == category.id:
        raise InvalidInput(
            "a category cannot be moved under itself or one of its subcategories",
            field="parent",
            code="category_cycle",
        )
    _check_depth(parent)
    # Deleted children count: restoring one must not make a third level.
    has_children = await session.scalar(
        select(Category.id).where(Category.parent_id == category.id).limit(1)
    )
    if has_children is not None:
        raise InvalidInput(
            "a category with subcategories cannot become a subcategory",
            field="parent",
            code="category_too_deep",
        )


async def reorder_categories(
    session: AsyncSession,
    data: CategoryReorder,
    *,
    actor: Actor,
) -> list[CategoryView]:
    """Set the order of all of a parent's not-deleted children (or of the top level) to
    0..n-1 in the order given, with one UPDATE."""
    parent = await _resolve_parent(session, data.parent)
    parent_id = parent.id if parent is not None else None
    level = Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
    siblings = {
        row.slug: row.id
        for row in await session.execute(
            select(Category.slug, Category.id).where(level, Category.deleted_at.is_(None))
        )
    }
    missing = sorted(set(siblings) - set(data.slugs))
    unknown = [slug for slug in data.slugs if slug not in siblings]
    if missing or unknown:
        problems = []
        if unknown:
            problems.append(f"not among the siblings: {', '.join(unknown[:20])}")
        if missing:
            problems.append(f"missing: {', '.join(missing[:20])}")
        raise InvalidInput(
            "list every not-deleted sibling exactly once (" + "; ".join(problems) + ")",
            field="slugs",
        )
    positions = {siblings[slug]: index for index, slug in enumerate(data.slugs)}
    await session.execute(
        update(Category)
        .where(Category.id.in_(positions))
        .values(order=case(positions, value=Category.id), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    rows = list(
        await session.scalars(
            select(Category)
            .where(Category.id.in_(positions))
            .order_by(*_sibling_order())
            .execution_options(populate_existing=True)
        )
    )
    log_activity(
        session,
        log_name=ADMIN,
        event="category.reordered",
        description="Reordered the "
        + (f"subcategories of {parent.slug}" if parent else "top-level categories"),
        causer=actor.user,
        subject=parent,
        properties={"parent": parent.slug if parent else None, "slugs": data.slugs},
        client=actor.client,
    )
    # Course counts of the siblings, their subcategories' courses included.
    parent_of: dict[int, int | None] = {row.id: parent_id for row in rows}
    for child_id, child_parent_id in await session.execute(
        select(Category.id, Category.parent_id).where(Category.parent_id.in_(positions))
    ):
        parent_of[child_id] = child_parent_id
    counts = await _course_counts(session, parent_of, only=list(parent_of))
    parent_slug = parent.slug if parent is not None else None
    return [CategoryView(row, parent_slug, counts.get(row.id, 0)) for row in rows]


async def delete_category(
    session: AsyncSession,
    slug: str,
    *,
    actor: Actor,
) -> None:
    category = await _category_for_admin(session, slug)
    if category.deleted_at is not None:
        raise Conflict(f"the category {slug!r} is already deleted", code="deleted")
    live_child = await session.scalar(
        select(Category.slug)
        .where(Category.parent_id == category.id, Category.deleted_at.is_(None))
        .limit(1)
    )
    if live_child is not None:
        raise Conflict(
            f"the category {slug!r} still has subcategories (such as {live_child!r}); "
            "delete or move them first",
            code="has_subcategories",
        )
    category.deleted_at = utcnow()
    await session.flush()
    log_activity(
        session,
        log_name=ADMIN,
        event="category.deleted",
        description=f"Deleted the category {category.name} ({category.slug})",
        causer=actor.user,
        subject=category,
        client=actor.client,
    )


async def restore_category(
    session: AsyncSession,
    slug: str,
    *,
    actor: Actor,
) -> CategoryView:
    category = await _category_for_admin(session, slug)
    if category.deleted_at is None:
        raise Conflict(f"the category {slug!r} is not deleted", code="not_deleted")
    parent = await _parent_of(session, category)
    if parent is not None and parent.deleted_at is not None:
        raise Conflict(
            f"the parent category {parent.slug!r} is deleted; restore it first",
            code="parent_deleted",
        )
    await _ensure_name_free(session, category.name, category.parent_id, exclude_id=category.id)
    category.deleted_at = None
    await session.flush()
    log_activity(
        session,
        log_name=ADMIN,
        event="category.restored",
        description=f"Restored the category {category.name} ({category.slug})",
        causer=actor.user,
        subject=category,
        client=actor.client,
    )
    return await _category_view(session, category, parent, include_hidden=True)
