"""Threads: start one, list and search a course's, read one, edit, delete, moderate, and
the instructors' queue of unanswered questions across their courses.

A thread's author follows it from the start. Announcements are for the course's staff. A
post the spam rules find suspicious is stored flagged: hidden from everyone but its author
and the moderators until one of them restores it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.courses.policy import editable_by
from lectern.discussions import mentions, spam
from lectern.discussions.access import in_course, in_thread, require_open_for, require_staff
from lectern.discussions.events import QuestionAsked
from lectern.discussions.reports import settle
from lectern.discussions.schemas import Filter, Sort, ThreadIn, ThreadOut, ThreadPatch, ThreadState
from lectern.discussions.views import LessonOfThread, one_thread, threads_out, threads_statement
from lectern.errors import Forbidden, InvalidInput
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains, insert_ignore
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    Discussion,
    DiscussionFollower,
    DiscussionReply,
    DiscussionStatus,
    DiscussionType,
    Lesson,
    User,
)


async def lock(session: AsyncSession, model: Any, post_id: int) -> None:
    """Hold the post's row until the transaction ends. Every write that moves a post's
    counters takes it before anything else (a follower, an upvote), so that two such writes
    queue on it instead of each waiting for what the other inserted."""
    await session.execute(
        select(model.id).where(model.id == post_id).with_for_update(key_share=True)
    )


async def follow(session: AsyncSession, user_id: int, discussion_id: int) -> bool:
    """Follow a thread (once); True when this call started following."""
    await lock(session, Discussion, discussion_id)
    values = {
        "discussion_id": discussion_id,
        "user_id": user_id,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    if not await insert_ignore(session, DiscussionFollower, values, ["discussion_id", "user_id"]):
        return False
    await session.execute(
        update(Discussion)
        .where(Discussion.id == discussion_id)
        .values(followers_count=Discussion.followers_count + 1)
        .execution_options(synchronize_session=False)
    )
    return True


async def start(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, body: ThreadIn
) -> tuple[ThreadOut, bool]:
    """A new thread, and whether the spam rules held it."""
    participant = await in_course(session, user, course_uuid)
    require_open_for(participant, body.type)
    if body.type == "announcement":
        require_staff(participant)
    lesson_id = None
    if body.lesson is not None:
        lesson_id = await session.scalar(
            select(Lesson.id).where(
                Lesson.uuid == body.lesson, Lesson.course_id == participant.course.id
            )
        )
        if lesson_id is None:
            raise InvalidInput("no such lesson in this course", field="lesson")
    held = await spam.is_suspicious(session, participant, body.title, body.content)
    discussion = Discussion(
        user_id=user.id,
        course_id=participant.course.id,
        lesson_id=lesson_id,
        title=body.title,
        content=body.content,
        type=DiscussionType(body.type),
        status=DiscussionStatus.FLAGGED if held else DiscussionStatus.OPEN,
    )
    session.add(discussion)
    await session.flush()
    await follow(session, user.id, discussion.id)
    if not held:
        await events.publish(
            session, QuestionAsked(discussion.id, user.id, participant.course.id, body.type)
        )
        await mentions.announce(session, participant, body.content, discussion.id, None)
    return await one_thread(session, user.id, discussion.id), held


# -- lists -------------------------------------------------------------------------------------


def _unanswered() -> Any:
    """Open questions no one of the course's staff has replied to."""
    staff_reply = exists().where(
        DiscussionReply.discussion_id == Discussion.id,
        DiscussionReply.is_instructor_reply.is_(True),
        DiscussionReply.deleted_at.is_(None),
    )
    return (
        (Discussion.type == DiscussionType.QUESTION)
        & (Discussion.status == DiscussionStatus.OPEN)
        & ~staff_reply
    )


_ORDER: dict[str, tuple[Any, ...]] = {
    "recent": (
        Discussion.is_pinned.desc(),
        Discussion.last_activity_at.desc(),
        Discussion.id.desc(),
    ),
    "top": (Discussion.is_pinned.desc(), Discussion.upvotes_count.desc(), Discussion.id.desc()),
    "newest": (Discussion.is_pinned.desc(), Discussion.id.desc()),
}


async def course_threads(
    session: AsyncSession,
    user: User,
    course_uuid: uuid.UUID,
    params: PageParams,
    *,
    filter: Filter | None,
    lesson: uuid.UUID | None,
    q: str | None,
    sort: Sort,
) -> tuple[list[ThreadOut], PageMeta]:
    """A course's threads (a fixed number of statements whatever the page)."""
    participant = await in_course(session, user, course_uuid)
    statement = threads_statement().where(Discussion.course_id == participant.course.id)
    if not participant.is_staff:
        statement = statement.where(
            or_(Discussion.status != DiscussionStatus.FLAGGED, Discussion.user_id == user.id)
        )
    if filter == "unanswered":
        statement = statement.where(_unanswered())
    elif filter == "mine":
        statement = statement.where(Discussion.user_id == user.id)
    elif filter == "following":
        statement = statement.where(
            exists().where(
                DiscussionFollower.discussion_id == Discussion.id,
                DiscussionFollower.user_id == user.id,
            )
        )
    if lesson is not None:
        statement = statement.where(LessonOfThread.uuid == lesson)
    if q:
        pattern = contains(q)
        statement = statement.where(
            Discussion.title.ilike(pattern, escape=LIKE_ESCAPE)
            | Discussion.content.ilike(pattern, escape=LIKE_ESCAPE)
        )
    rows, meta = await paginate_rows(session, statement.order_by(*_ORDER[sort]), params)
    return await threads_out(session, user.id, rows), meta


async def unanswered_queue(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[ThreadOut], PageMeta]:
    """Open questions without a staff reply in every course the user teaches, oldest first."""
    taught = select(Course.id).where(editable_by(user))
    statement = (
        threads_statement()
        .where(Discussion.course_id.in_(taught), _unanswered())
        .order_by(Discussion.created_at, Discussion.id)
    )
    rows, meta = await paginate_rows(session, statement, params)
    return await threads_out(session, user.id, rows), meta


# -- one thread ------------------------------------------------------------------------------


async def read(session: AsyncSession, user: User, discussion_uuid: uuid.UUID) -> ThreadOut:
    """The thread, counted as one more view."""
    _, discussion = await in_thread(session, user, discussion_uuid)
    await session.execute(
        update(Discussion)
        .where(Discussion.id == discussion.id)
        .values(views_count=Discussion.views_count + 1)
        .execution_options(synchronize_session=False)
    )
    return await one_thread(session, user.id, discussion.id)


async def edit(
    session: AsyncSession, user: User, discussion_uuid: uuid.UUID, body: ThreadPatch
) -> ThreadOut:
    participant, discussion = await in_thread(session, user, discussion_uuid)
    if discussion.user_id != user.id:
        raise Forbidden("only its author edits a thread", code="not_the_author")
    before = discussion.content
    for name, value in body.changes().items():
        setattr(discussion, name, value)
    discussion.updated_at = utcnow()
    await session.flush()
    await mentions.announce(
        session, participant, discussion.content, discussion.id, None, before=before
    )
    return await one_thread(session, user.id, discussion.id)


async def delete(session: AsyncSession, user: User, discussion_uuid: uuid.UUID) -> None:
    """Its author or a moderator removes a thread (soft: the row stays, out of sight)."""
    participant, discussion = await in_thread(session, user, discussion_uuid)
    if discussion.user_id != user.id:
        require_staff(participant)
    discussion.deleted_at = utcnow()
    await session.flush()


async def set_state(
    session: AsyncSession, user: User, discussion_uuid: uuid.UUID, body: ThreadState
) -> ThreadOut:
    """Pin, feature, close or reopen a thread; restore a flagged one (moderators only)."""
    participant, discussion = await in_thread(session, user, discussion_uuid)
    require_staff(participant)
    changes = body.changes()
    if "is_pinned" in changes:
        discussion.is_pinned = changes["is_pinned"]
    if "is_featured" in changes:
        discussion.is_featured = changes["is_featured"]
    if "is_closed" in changes:
        if changes["is_closed"]:
            discussion.status = DiscussionStatus.CLOSED
        elif discussion.status is DiscussionStatus.CLOSED:
            discussion.status = _reopened(discussion)
    discussion.updated_at = utcnow()
    await session.flush()
    return await one_thread(session, user.id, discussion.id)


def _reopened(discussion: Discussion) -> DiscussionStatus:
    answered = discussion.best_answer_id is not None
    return DiscussionStatus.ANSWERED if answered else DiscussionStatus.OPEN


async def restore(session: AsyncSession, user: User, discussion_uuid: uuid.UUID) -> ThreadOut:
    """A moderator clears a flagged thread: it shows again, and its reports are settled."""
    participant, discussion = await in_thread(session, user, discussion_uuid)
    require_staff(participant)
    if discussion.status is DiscussionStatus.FLAGGED:
        discussion.status = _reopened(discussion)
        discussion.updated_at = utcnow()
        await session.flush()
        await settle(session, "discussion", discussion.id)
    return await one_thread(session, user.id, discussion.id)
