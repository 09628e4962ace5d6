"""Background jobs of discussions: e-mailing a thread's followers about a new reply, in
batches (a thread followed by thousands never holds one job long), never its replier."""

from __future__ import annotations

from sqlalchemy import select

from lectern import jobs
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.kit.links import app_link
from lectern.mail.tasks import send_email
from lectern.models import Course, Discussion, DiscussionFollower, DiscussionReply, User

BATCH = 200


@broker.task(task_name="lectern.discussions.notify_followers")
async def notify_followers(reply_id: int, after_user_id: int) -> None:
    """Mail the followers of the reply's thread whose user id is past ``after_user_id``, one
    batch, then queue the next batch."""
    async with unit_of_work() as session:
        found = (
            await session.execute(
                select(DiscussionReply, Discussion.uuid, Discussion.title, Course.title, User.name)
                .join(Discussion, Discussion.id == DiscussionReply.discussion_id)
                .join(Course, Course.id == Discussion.course_id)
                .join(User, User.id == DiscussionReply.user_id)
                .where(DiscussionReply.id == reply_id)
            )
        ).first()
        if found is None or found[0].status.value != "active":
            return
        reply, thread_uuid, thread_title, course_title, replier = found
        followers = list(
            await session.execute(
                select(User.id, User.name, User.email)
                .join(DiscussionFollower, DiscussionFollower.user_id == User.id)
                .where(
                    DiscussionFollower.discussion_id == reply.discussion_id,
                    User.id != reply.user_id,
                    User.id > after_user_id,
                    User.deleted_at.is_(None),
                )
                .order_by(User.id)
                .limit(BATCH)
            )
        )
        link = app_link("discussion", discussion=thread_uuid)
        for _, name, email in followers:
            jobs.after_commit(
                session,
                send_email,
                to=email,
                template="discussion_reply",
                context={
                    "name": name,
                    "replier": replier,
                    "thread": thread_title,
                    "course": course_title,
                    "excerpt": reply.content[:500],
                    "link": link,
                },
            )
        if len(followers) == BATCH:
            jobs.after_commit(
                session, notify_followers, reply_id=reply_id, after_user_id=followers[-1][0]
            )
