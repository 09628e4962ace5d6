"""Tags: the public list, and their authoring by admins. Flushes, never commits."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.models import Tag
from lectern.platform.activity import ADMIN, log_activity
from lectern.security.actor import Actor
from lectern.taxonomy import policy
from lectern.taxonomy.schemas import (
    TagCreate,
    TagUpdate,
)
from lectern.taxonomy.slugs import apply_changes, ensure_slug_free, flush_slug, unique_slug


class TagSort(enum.StrEnum):
    NAME = "name"
    NAME_DESC = "-name"
    CREATED = "created_at"
    CREATED_DESC = "-created_at"


_TAG_ORDER: dict[TagSort, tuple[Any, ...]] = {
    TagSort.NAME: (func.lower(Tag.name), Tag.id),
    TagSort.NAME_DESC: (func.lower(Tag.name).desc(), Tag.id.desc()),
    TagSort.CREATED: (Tag.created_at, Tag.id),
    TagSort.CREATED_DESC: (Tag.created_at.desc(), Tag.id.desc()),
}


async def list_tags(
    session: AsyncSession,
    params: PageParams,
    *,
    q: str | None = None,
    sort: TagSort = TagSort.NAME,
    include_hidden: bool = False,
) -> tuple[list[Tag], PageMeta]:
    statement = select(Tag)
    if not include_hidden:
        statement = statement.where(Tag.is_active.is_(True))
    if q:
        statement = statement.where(Tag.name.icontains(q, autoescape=True))
    return await paginate(session, statement.order_by(*_TAG_ORDER[sort]), params)


async def get_tag(session: AsyncSession, slug: str, *, include_hidden: bool) -> Tag:
    tag = await session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None or (not include_hidden and not policy.tag_is_public(tag)):
        raise NotFound(f"no tag {slug!r}")
    return tag


async def _ensure_tag_name_free(
    session: AsyncSession, name: str, *, exclude_id: int | None = None
) -> None:
    statement = select(Tag.slug).where(func.lower(Tag.name) == name.lower())
    if exclude_id is not None:
        statement = statement.where(Tag.id != exclude_id)
    existing = await session.scalar(statement.limit(1))
    if existing is not None:
        raise Conflict(f"the tag {existing!r} already has the name {name!r}", code="tag_exists")


async def create_tag(
    session: AsyncSession,
    data: TagCreate,
    *,
    actor: Actor,
) -> Tag:
    await _ensure_tag_name_free(session, data.name)
    if data.slug is not None:
        await ensure_slug_free(session, Tag, data.slug, kind="tag")
        slug = data.slug
    else:
        slug = await unique_slug(session, Tag, data.name)
    tag = Tag(name=data.name, slug=slug, description=data.description, is_active=True)
    session.add(tag)
    await flush_slug(session, kind="tag")
    log_activity(
        session,
        log_name=ADMIN,
        event="tag.created",
        description=f"Created the tag {tag.name} ({tag.slug})",
        causer=actor.user,
        subject=tag,
        client=actor.client,
    )
    return tag


async def update_tag(
    session: AsyncSession,
    slug: str,
    data: TagUpdate,
    *,
    actor: Actor,
) -> Tag:
    tag = await get_tag(session, slug, include_hidden=True)
    changes = data.changes()
    diff: dict[str, list[Any]] = {}
    name = changes.get("name", tag.name)
    if name.lower() != tag.name.lower():
        await _ensure_tag_name_free(session, name, exclude_id=tag.id)
    new_slug = changes.pop("slug", tag.slug)
    if new_slug != tag.slug:
        await ensure_slug_free(session, Tag, new_slug, kind="tag")
    changes["slug"] = new_slug
    apply_changes(tag, changes, diff)
    if diff:
        await flush_slug(session, kind="tag")
        log_activity(
            session,
            log_name=ADMIN,
            event="tag.updated",
            description=f"Updated the tag {tag.name} ({tag.slug})",
            causer=actor.user,
            subject=tag,
            properties={"changes": diff},
            client=actor.client,
        )
    return tag


async def _set_tag_active(
    session: AsyncSession,
    slug: str,
    active: bool,
    *,
    actor: Actor,
) -> Tag:
    tag = await get_tag(session, slug, include_hidden=True)
    if tag.is_active == active:
        state = "active" if active else "deleted (inactive)"
        raise Conflict(f"the tag {slug!r} is already {state}", code="wrong_state")
    tag.is_active = active
    await session.flush()
    log_activity(
        session,
        log_name=ADMIN,
        event="tag.restored" if active else "tag.deleted",
        description=f"{'Restored' if active else 'Deleted'} the tag {tag.name} ({tag.slug})",
        causer=actor.user,
        subject=tag,
        client=actor.client,
    )
    return tag


async def delete_tag(
    session: AsyncSession,
    slug: str,
    *,
    actor: Actor,
) -> None:
    """Deactivate the tag: hidden from the public, its course links kept for a restore."""
    await _set_tag_active(session, slug, False, actor=actor)


async def restore_tag(
    session: AsyncSession,
    slug: str,
    *,
    actor: Actor,
) -> Tag:
    return await _set_tag_active(session, slug, True, actor=actor)
