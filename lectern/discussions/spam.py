"""The simple spam rules: a post is held for moderation (flagged, hidden from others) when a
new account puts a link in it, or when its author posted the same text in the last day.
The course's staff are never held."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.discussions.access import Participant
from lectern.discussions.text import fingerprint, has_link
from lectern.kit.types import utcnow
from lectern.models import Discussion, DiscussionReply
from lectern.platform.service import get_value

RECENT_POSTS = 20


async def is_suspicious(session: AsyncSession, participant: Participant, *texts: str) -> bool:
    if participant.is_staff:
        return False
    whole = "\n".join(texts)
    days = int(await get_value(session, "discussions.new_account_days", 3))
    user = participant.user
    if has_link(whole) and user.created_at > utcnow() - timedelta(days=days):
        return True
    since = utcnow() - timedelta(days=1)
    recent = union_all(
        select(Discussion.content).where(
            Discussion.user_id == user.id, Discussion.created_at > since
        ),
        select(DiscussionReply.content).where(
            DiscussionReply.user_id == user.id, DiscussionReply.created_at > since
        ),
    ).limit(RECENT_POSTS)
    mine = fingerprint(texts[-1])
    return any(
        fingerprint(text) == mine for text in await session.scalars(select(recent.subquery()))
    )
