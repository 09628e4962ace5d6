"""Replies: post one (threaded to a bounded depth), edit, delete (a placeholder stays),
choose the best answer, restore one that was flagged.

``replies_count`` of a thread and of a parent reply count the replies that show (active);
every change of a reply's status is a conditional UPDATE, and only the one that matched moves
the counters, so parallel requests leave them exact.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events, jobs
from lectern.discussions import mentions, spam
from lectern.discussions.access import Participant, in_thread, require_open_for, require_staff
from lectern.discussions.events import BestAnswerChosen, ReplyPosted
from lectern.discussions.reports import settle
from lectern.discussions.schemas import ReplyIn, ReplyOut
from lectern.discussions.tasks import notify_followers
from lectern.discussions.threads import follow
from lectern.discussions.views import REPLY, reply_out
from lectern.errors import Conflict, Forbidden, InvalidInput, NotFound
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import (
    Discussion,
    DiscussionReply,
    DiscussionReplyStatus,
    DiscussionStatus,
    DiscussionType,
    User,
)

# A top-level reply is at depth 1; a reply to it at 2; no deeper than this.
MAX_DEPTH = 3
ACTIVE = DiscussionReplyStatus.ACTIVE


async def _depth(session: AsyncSession, parent: DiscussionReply) -> int:
    depth, above = 1, parent.parent_id
    while above is not None and depth <= MAX_DEPTH:
        depth += 1
        above = await session.scalar(
            select(DiscussionReply.parent_id).where(DiscussionReply.id == above)
        )
    return depth


async def _count(session: AsyncSession, reply: DiscussionReply, delta: int) -> None:
    """Move the counters a showing reply is part of by ``delta``."""
    await session.execute(
        update(Discussion)
        .where(Discussion.id == reply.discussion_id)
        .values(replies_count=Discussion.replies_count + delta)
        .execution_options(synchronize_session=False)
    )
    if reply.parent_id is not None:
        await session.execute(
            update(DiscussionReply)
            .where(DiscussionReply.id == reply.parent_id)
            .values(replies_count=DiscussionReply.replies_count + delta)
            .execution_options(synchronize_session=False)
        )


async def move(
    session: AsyncSession,
    reply: DiscussionReply,
    to: DiscussionReplyStatus,
    *,
    came_from: tuple[DiscussionReplyStatus, ...],
) -> bool:
    """Change the reply's status if it is in one of ``came_from`` (tried one by one, so
    that the status it left is known for sure); the counters follow."""
    changes: dict[str, Any] = {"status": to, "updated_at": utcnow()}
    if to is DiscussionReplyStatus.DELETED:
        changes["deleted_at"] = utcnow()
    for status in came_from:
        moved = await session.execute(
            update(DiscussionReply)
            .where(DiscussionReply.id == reply.id, DiscussionReply.status == status)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        if rowcount(moved):
            if (status is ACTIVE) != (to is ACTIVE):
                await _count(session, reply, 1 if to is ACTIVE else -1)
            await session.refresh(reply)
            return True
    return False


async def post(
    session: AsyncSession, user: User, discussion_uuid: Any, body: ReplyIn
) -> tuple[ReplyOut, bool]:
    """A reply, and whether the spam rules held it."""
    participant, discussion = await in_thread(session, user, discussion_uuid)
    require_open_for(participant, discussion.type.value)
    if discussion.status is DiscussionStatus.CLOSED:
        raise Conflict("this thread is closed", code="thread_closed")
    if body.parent_id is not None:
        parent = await session.scalar(
            select(DiscussionReply).where(
                DiscussionReply.id == body.parent_id,
                DiscussionReply.discussion_id == discussion.id,
                DiscussionReply.status == ACTIVE,
            )
        )
        if parent is None:
            raise InvalidInput("no such reply in this thread", field="parent_id")
        if await _depth(session, parent) >= MAX_DEPTH:
            raise InvalidInput(
                f"replies nest {MAX_DEPTH} deep at most: answer a reply higher up",
                field="parent_id",
                code="too_deep",
            )
    held = await spam.is_suspicious(session, participant, body.content)
    reply = DiscussionReply(
        discussion_id=discussion.id,
        user_id=user.id,
        parent_id=body.parent_id,
        content=body.content,
        is_instructor_reply=participant.is_staff,
        status=DiscussionReplyStatus.FLAGGED if held else ACTIVE,
    )
    session.add(reply)
    await session.flush()
    if not held:
        await _count(session, reply, 1)
        await session.execute(
            update(Discussion)
            .where(Discussion.id == discussion.id)
            .values(last_activity_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        await _announce(session, participant, discussion, reply)
    await follow(session, user.id, discussion.id)
    return reply_out(reply, user.name, user.username, upvoted=False), held


async def _announce(
    session: AsyncSession, participant: Participant, discussion: Discussion, reply: DiscussionReply
) -> None:
    course_id = participant.course.id
    await events.publish(
        session, ReplyPosted(reply.id, discussion.id, participant.user.id, course_id)
    )
    await mentions.announce(session, participant, reply.content, discussion.id, reply.id)
    jobs.after_commit(session, notify_followers, reply_id=reply.id, after_user_id=0)


async def reply_in_thread(
    session: AsyncSession, user: User, reply_id: int
) -> tuple[Participant, Discussion, DiscussionReply]:
    reply = await session.get(DiscussionReply, reply_id)
    if reply is None:
        raise NotFound("no such reply", code="reply_not_found")
    discussion_uuid = await session.scalar(
        select(Discussion.uuid).where(Discussion.id == reply.discussion_id)
    )
    assert discussion_uuid is not None
    participant, discussion = await in_thread(session, user, discussion_uuid)
    hidden = reply.status is not ACTIVE and reply.user_id != user.id
    if reply.status is DiscussionReplyStatus.DELETED or (hidden and not participant.is_staff):
        raise NotFound("no such reply", code="reply_not_found")
    return participant, discussion, reply


async def edit(session: AsyncSession, user: User, reply_id: int, content: str) -> ReplyOut:
    participant, discussion, reply = await reply_in_thread(session, user, reply_id)
    if reply.user_id != user.id:
        raise Forbidden("only its author edits a reply", code="not_the_author")
    before, reply.content, reply.updated_at = reply.content, content, utcnow()
    await session.flush()
    await mentions.announce(session, participant, content, discussion.id, reply.id, before=before)
    return reply_out(reply, user.name, user.username, upvoted=False)


async def delete(session: AsyncSession, user: User, reply_id: int) -> None:
    """Its author or a moderator deletes a reply: a placeholder keeps the thread readable."""
    participant, discussion, reply = await reply_in_thread(session, user, reply_id)
    if reply.user_id != user.id:
        require_staff(participant)
    came_from = (ACTIVE, DiscussionReplyStatus.FLAGGED)
    deleted = await move(session, reply, DiscussionReplyStatus.DELETED, came_from=came_from)
    if deleted and discussion.best_answer_id == reply.id:
        discussion.best_answer_id = None
        reply.is_best_answer = False
        if discussion.status is DiscussionStatus.ANSWERED:
            discussion.status = DiscussionStatus.OPEN
        await session.flush()


async def restore(session: AsyncSession, user: User, reply_id: int) -> ReplyOut:
    """A moderator clears a flagged reply: it shows again, its reports settled."""
    participant, _, reply = await reply_in_thread(session, user, reply_id)
    require_staff(participant)
    if await move(session, reply, ACTIVE, came_from=(DiscussionReplyStatus.FLAGGED,)):
        await settle(session, REPLY, reply.id)
    author = await session.get_one(User, reply.user_id)
    return reply_out(reply, author.name, author.username, upvoted=False)


async def choose_best(
    session: AsyncSession, user: User, discussion_uuid: Any, reply_id: int
) -> Discussion:
    """The asker or a moderator marks a reply the best answer: the question is answered."""
    participant, discussion = await in_thread(session, user, discussion_uuid)
    if discussion.user_id != user.id:
        require_staff(participant)
    if discussion.type is not DiscussionType.QUESTION:
        raise Conflict("only a question has a best answer", code="not_a_question")
    # The thread's row first: two choices at once end with one best answer.
    await session.execute(
        select(Discussion.id).where(Discussion.id == discussion.id).with_for_update()
    )
    await session.refresh(discussion)
    reply = await session.scalar(
        select(DiscussionReply).where(
            DiscussionReply.id == reply_id,
            DiscussionReply.discussion_id == discussion.id,
            DiscussionReply.status == ACTIVE,
        )
    )
    if reply is None:
        raise InvalidInput("no such reply in this thread", field="reply_id")
    await session.execute(
        update(DiscussionReply)
        .where(DiscussionReply.discussion_id == discussion.id, DiscussionReply.is_best_answer)
        .values(is_best_answer=False)
        .execution_options(synchronize_session=False)
    )
    reply.is_best_answer = True
    discussion.best_answer_id = reply.id
    if discussion.status is DiscussionStatus.OPEN:
        discussion.status = DiscussionStatus.ANSWERED
    await session.flush()
    await events.publish(session, BestAnswerChosen(discussion.id, reply.id, reply.user_id))
    return discussion
