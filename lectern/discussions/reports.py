"""Reports of threads and replies: once per user and post (a unique key), counted per post;
a moderator's decision on the post settles them."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.discussions.schemas import PostReportIn
from lectern.errors import Conflict, Forbidden
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.models import Discussion, DiscussionReply, DiscussionReport


async def record(
    session: AsyncSession,
    user_id: int,
    kind: str,
    post: Discussion | DiscussionReply,
    body: PostReportIn,
) -> int:
    """Record the user's report of ``post``; how many distinct users have reported it."""
    if post.user_id == user_id:
        raise Forbidden("you may not report your own post", code="own_post")
    values = {
        "user_id": user_id,
        "reportable_type": kind,
        "reportable_id": post.id,
        "reason": body.reason,
        "description": body.description,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    keys = ["user_id", "reportable_id", "reportable_type"]
    if not await insert_ignore(session, DiscussionReport, values, keys):
        raise Conflict("you have reported this already", code="already_reported")
    reports = await session.scalar(
        select(func.count(DiscussionReport.id)).where(
            DiscussionReport.reportable_type == kind, DiscussionReport.reportable_id == post.id
        )
    )
    return int(reports or 0)


async def settle(session: AsyncSession, kind: str, post_id: int) -> None:
    """A moderator's decision answers the post's reports: they go."""
    await session.execute(
        delete(DiscussionReport).where(
            DiscussionReport.reportable_type == kind, DiscussionReport.reportable_id == post_id
        )
    )
