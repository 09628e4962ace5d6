"""What participants do with posts besides writing them: upvote (one per user and post,
never one's own), follow a thread, and report a post. Counters move with atomic UPDATEs only
when a row was really added or removed, so parallel requests leave them exact."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.discussions import reports
from lectern.discussions.access import in_thread
from lectern.discussions.replies import ACTIVE, move, reply_in_thread
from lectern.discussions.schemas import PostReportIn
from lectern.discussions.threads import follow, lock
from lectern.discussions.views import THREAD
from lectern.errors import Forbidden
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.models import (
    Discussion,
    DiscussionFollower,
    DiscussionReply,
    DiscussionReplyStatus,
    DiscussionStatus,
    DiscussionUpvote,
    User,
)
from lectern.platform.service import get_value


async def _post(
    session: AsyncSession, user: User, kind: str, key: Any
) -> Discussion | DiscussionReply:
    if kind == THREAD:
        return (await in_thread(session, user, key))[1]
    return (await reply_in_thread(session, user, key))[2]


def _bump(kind: str, post_id: int, delta: int) -> Any:
    model: Any = Discussion if kind == THREAD else DiscussionReply
    return (
        update(model)
        .where(model.id == post_id)
        .values(upvotes_count=model.upvotes_count + delta)
        .execution_options(synchronize_session=False)
    )


async def upvote(session: AsyncSession, user: User, kind: str, key: Any) -> int:
    """Upvote a thread (``key`` its uuid) or a reply (its id); the post's upvotes after."""
    post = await _post(session, user, kind, key)
    if post.user_id == user.id:
        raise Forbidden("you may not upvote your own post", code="own_post")
    await lock(session, type(post), post.id)
    values = {
        "user_id": user.id,
        "upvoteable_type": kind,
        "upvoteable_id": post.id,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    keys = ["user_id", "upvoteable_id", "upvoteable_type"]
    if await insert_ignore(session, DiscussionUpvote, values, keys):
        await session.execute(_bump(kind, post.id, 1))
    await session.refresh(post)
    return post.upvotes_count


async def remove_upvote(session: AsyncSession, user: User, kind: str, key: Any) -> int:
    post = await _post(session, user, kind, key)
    await lock(session, type(post), post.id)
    removed = await session.execute(
        delete(DiscussionUpvote).where(
            DiscussionUpvote.user_id == user.id,
            DiscussionUpvote.upvoteable_type == kind,
            DiscussionUpvote.upvoteable_id == post.id,
        )
    )
    if rowcount(removed):
        await session.execute(_bump(kind, post.id, -1))
    await session.refresh(post)
    return post.upvotes_count


async def start_following(session: AsyncSession, user: User, discussion_uuid: uuid.UUID) -> None:
    _, discussion = await in_thread(session, user, discussion_uuid)
    await follow(session, user.id, discussion.id)


async def stop_following(session: AsyncSession, user: User, discussion_uuid: uuid.UUID) -> None:
    _, discussion = await in_thread(session, user, discussion_uuid)
    await lock(session, Discussion, discussion.id)
    removed = await session.execute(
        delete(DiscussionFollower).where(
            DiscussionFollower.discussion_id == discussion.id,
            DiscussionFollower.user_id == user.id,
        )
    )
    if rowcount(removed):
        await session.execute(
            update(Discussion)
            .where(Discussion.id == discussion.id)
            .values(followers_count=Discussion.followers_count - 1)
            .execution_options(synchronize_session=False)
        )


async def report(
    session: AsyncSession, user: User, kind: str, key: Any, body: PostReportIn
) -> None:
    """Report a post; at ``discussions.report_threshold`` distinct reporters it is flagged."""
    post = await _post(session, user, kind, key)
    count = await reports.record(session, user.id, kind, post, body)
    if count < int(await get_value(session, "discussions.report_threshold", 3)):
        return
    if isinstance(post, DiscussionReply):
        await move(session, post, DiscussionReplyStatus.FLAGGED, came_from=(ACTIVE,))
        return
    await session.execute(
        update(Discussion)
        .where(Discussion.id == post.id, Discussion.status != DiscussionStatus.FLAGGED)
        .values(status=DiscussionStatus.FLAGGED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
