"""Threads and replies as the API shows them, read in a fixed number of statements: the
rows with their authors in one, and the caller's upvotes and follows on the page in one each.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern.courses.policy import on_team
from lectern.discussions.schemas import PostAuthor, ReplyOut, ThreadOut
from lectern.discussions.text import to_html
from lectern.models import (
    Course,
    Discussion,
    DiscussionFollower,
    DiscussionReply,
    DiscussionReplyStatus,
    DiscussionUpvote,
    Lesson,
    User,
)

THREAD = "discussion"
REPLY = "discussion_reply"

LessonOfThread = aliased(Lesson)


def threads_statement() -> Select[*tuple[Any, ...]]:
    """Threads with their author, course uuid, lesson uuid and whether staff wrote them."""
    return (
        select(
            Discussion,
            User.name,
            User.username,
            Course.uuid,
            LessonOfThread.uuid,
            on_team(Discussion.user_id).label("by_staff"),
        )
        .join(User, User.id == Discussion.user_id)
        .join(Course, Course.id == Discussion.course_id)
        .outerjoin(LessonOfThread, LessonOfThread.id == Discussion.lesson_id)
        .where(Discussion.deleted_at.is_(None))
    )


async def _mine(
    session: AsyncSession, user_id: int, kind: str, ids: list[int]
) -> tuple[set[int], set[int]]:
    """Of ``ids``, those the user upvoted and (for threads) follows."""
    if not ids:
        return set(), set()
    upvoted = set(
        await session.scalars(
            select(DiscussionUpvote.upvoteable_id).where(
                DiscussionUpvote.user_id == user_id,
                DiscussionUpvote.upvoteable_type == kind,
                DiscussionUpvote.upvoteable_id.in_(ids),
            )
        )
    )
    following: set[int] = set()
    if kind == THREAD:
        following = set(
            await session.scalars(
                select(DiscussionFollower.discussion_id).where(
                    DiscussionFollower.user_id == user_id,
                    DiscussionFollower.discussion_id.in_(ids),
                )
            )
        )
    return upvoted, following


async def threads_out(session: AsyncSession, user_id: int, rows: list[Any]) -> list[ThreadOut]:
    upvoted, following = await _mine(session, user_id, THREAD, [row[0].id for row in rows])
    return [_thread(row, row[0].id in upvoted, row[0].id in following) for row in rows]


def _thread(row: Any, upvoted: bool, following: bool) -> ThreadOut:
    discussion, name, username, course_uuid, lesson_uuid, staff = row
    fields = {name: getattr(discussion, name) for name in _THREAD_COLUMNS}
    return ThreadOut.model_validate(
        {
            **fields,
            "course_uuid": course_uuid,
            "lesson_uuid": lesson_uuid,
            "content_html": to_html(discussion.content),
            "author": PostAuthor(name=name, username=username),
            "by_instructor": bool(staff),
            "upvoted": upvoted,
            "following": following,
        }
    )


_THREAD_COLUMNS = [
    name
    for name in ThreadOut.model_fields
    if name
    not in {
        "course_uuid",
        "lesson_uuid",
        "content_html",
        "author",
        "by_instructor",
        "upvoted",
        "following",
    }
]


async def one_thread(session: AsyncSession, user_id: int, discussion_id: int) -> ThreadOut:
    # populate_existing: counters moved by atomic UPDATEs in this transaction read fresh.
    statement = threads_statement().where(Discussion.id == discussion_id)
    row = (await session.execute(statement.execution_options(populate_existing=True))).one()
    return (await threads_out(session, user_id, [row]))[0]


def replies_statement(discussion_id: int) -> Select[DiscussionReply, str, str]:
    return (
        select(DiscussionReply, User.name, User.username)
        .join(User, User.id == DiscussionReply.user_id)
        .where(DiscussionReply.discussion_id == discussion_id)
        .order_by(DiscussionReply.created_at, DiscussionReply.id)
    )


async def replies_out(session: AsyncSession, user_id: int, rows: list[Any]) -> list[ReplyOut]:
    upvoted, _ = await _mine(session, user_id, REPLY, [row[0].id for row in rows])
    return [reply_out(*row, upvoted=row[0].id in upvoted) for row in rows]


def reply_out(reply: DiscussionReply, name: str, username: str, *, upvoted: bool) -> ReplyOut:
    deleted = reply.status is DiscussionReplyStatus.DELETED
    return ReplyOut.model_validate(
        {
            "id": reply.id,
            "parent_id": reply.parent_id,
            "status": reply.status.value,
            "content": None if deleted else reply.content,
            "content_html": None if deleted else to_html(reply.content),
            "author": None if deleted else PostAuthor(name=name, username=username),
            "is_instructor_reply": reply.is_instructor_reply,
            "is_best_answer": reply.is_best_answer,
            "upvotes_count": reply.upvotes_count,
            "replies_count": reply.replies_count,
            "created_at": reply.created_at,
            "updated_at": reply.updated_at,
            "upvoted": upvoted,
        }
    )
