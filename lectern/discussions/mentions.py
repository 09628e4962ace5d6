"""@username mentions: a participant of the thread (its author, someone who replied in it,
or one of the course's staff) mentioned in a post hears of it, once per post."""

from __future__ import annotations

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.discussions.access import Participant
from lectern.discussions.events import UserMentioned
from lectern.discussions.text import mentions
from lectern.models import CourseInstructor, Discussion, DiscussionReply, User


async def announce(
    session: AsyncSession,
    participant: Participant,
    text: str,
    discussion_id: int,
    reply_id: int | None,
    *,
    before: str = "",
) -> None:
    """Publish ``UserMentioned`` for each participant ``text`` mentions (an edit: only those
    it mentions anew, ``before`` being the text it replaced)."""
    names = [name for name in mentions(text) if name not in mentions(before)]
    if not names:
        return
    course = participant.course
    in_thread = or_(
        exists().where(Discussion.id == discussion_id, Discussion.user_id == User.id),
        exists().where(
            DiscussionReply.discussion_id == discussion_id, DiscussionReply.user_id == User.id
        ),
        User.id == course.instructor_id,
        exists().where(
            CourseInstructor.course_id == course.id, CourseInstructor.instructor_id == User.id
        ),
    )
    mentioned = await session.scalars(
        select(User.id).where(func.lower(User.username).in_(names), in_thread)
    )
    for user_id in mentioned:
        if user_id != participant.user.id:
            await events.publish(
                session, UserMentioned(user_id, participant.user.id, discussion_id, reply_id)
            )
