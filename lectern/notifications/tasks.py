"""Jobs of notifications: telling a course's learners of a new lesson, a batch at a time
(a course of 100,000 learners holds no request and no long transaction), and the daily and
weekly digests of those who chose them."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.kit.i18n import Text, language_of
from lectern.kit.links import app_link
from lectern.kit.types import utcnow
from lectern.learning.access import LIVE_STATUSES
from lectern.mail.tasks import send_email
from lectern.models import (
    Course,
    CourseSection,
    CourseStatus,
    EmailCadence,
    Enrollment,
    Lesson,
    Notification,
    NotificationPreference,
    User,
)
from lectern.notifications import unsubscribe
from lectern.notifications.kinds import DIGEST, GATHERED
from lectern.notifications.service import About, notify_many
from lectern.schedule import periodic

BATCH = 500


@broker.task(task_name="lectern.notifications.new_lesson")
async def tell_new_lesson(lesson_id: int, after_user_id: int) -> None:
    """Tell the next batch of the course's learners (user ids past ``after_user_id``) of the
    lesson, if it is still there to see, then queue the batch after it."""
    async with unit_of_work() as session:
        found = (
            await session.execute(
                select(Lesson.title, Lesson.uuid, Course.id, Course.title, Course.uuid)
                .join(Course, Course.id == Lesson.course_id)
                .join(CourseSection, CourseSection.id == Lesson.section_id)
                .where(
                    Lesson.id == lesson_id,
                    Lesson.deleted_at.is_(None),
                    Lesson.is_published.is_(True),
                    CourseSection.is_published.is_(True),
                    CourseSection.deleted_at.is_(None),
                    Course.status == CourseStatus.PUBLISHED,
                    Course.deleted_at.is_(None),
                )
            )
        ).first()
        if found is None:
            return
        lesson_title, lesson_uuid, course_id, course_title, course_uuid = found
        batch = list(
            await session.scalars(
                select(Enrollment.user_id)
                .where(
                    Enrollment.course_id == course_id,
                    Enrollment.status.in_(LIVE_STATUSES),
                    Enrollment.user_id > after_user_id,
                )
                .order_by(Enrollment.user_id)
                .limit(BATCH)
            )
        )
        await notify_many(
            session,
            batch,
            "new_lessons",
            title=Text("New in {course}", course=course_title),
            message=Text("A new lesson: {lesson}.", lesson=lesson_title),
            action_url=app_link("lesson", course=course_uuid, lesson=lesson_uuid),
            action_text=Text("Open the lesson"),
            about=About("lesson", lesson_id),
        )
        if len(batch) == BATCH:
            jobs.after_commit(
                session, tell_new_lesson, lesson_id=lesson_id, after_user_id=batch[-1]
            )


# -- digests ------------------------------------------------------------------------------------

PERIODS = {EmailCadence.DAILY: timedelta(days=1), EmailCadence.WEEKLY: timedelta(days=7)}
# Notifications listed in one digest (the rest are counted).
DIGEST_ITEMS = 20
# Users given their digest per run of the job (the next run goes on).
DIGEST_USERS = 200


async def _gathered(
    session: AsyncSession, people: list[NotificationPreference], now: datetime
) -> dict[int, list[Notification]]:
    """What each one's digest holds: unread, not yet e-mailed, since their last digest (or
    one period back), of the kinds whose e-mail they want; one SELECT for all of them."""
    if not people:
        return {}
    since = {p.user_id: p.digest_sent_at or now - PERIODS[p.email_cadence] for p in people}
    wanted = {
        p.user_id: {kind.name for kind in GATHERED if getattr(p, kind.email_preference)}
        for p in people
    }
    found = await session.scalars(
        select(Notification)
        .where(
            Notification.user_id.in_(list(since)),
            Notification.type.in_([kind.name for kind in GATHERED]),
            Notification.read_at.is_(None),
            Notification.sent_at.is_(None),
            Notification.created_at > min(since.values()),
        )
        .order_by(Notification.created_at)
    )
    gathered: defaultdict[int, list[Notification]] = defaultdict(list)
    for notification in found:
        user_id = notification.user_id
        if notification.type in wanted[user_id] and notification.created_at > since[user_id]:
            gathered[user_id].append(notification)
    return gathered


@periodic(timedelta(hours=1), name="notifications.send_digests")
async def send_digests(session: AsyncSession) -> int:
    """Send the daily and weekly digests that are due: each gathers what came since the
    last one and is still unread, of the kinds whose e-mail the user wants, and marks them
    e-mailed (``sent_at``) so that none comes twice. How many digests were sent."""
    now = utcnow()
    due = or_(
        *(
            and_(
                NotificationPreference.email_cadence == cadence,
                or_(
                    NotificationPreference.digest_sent_at.is_(None),
                    NotificationPreference.digest_sent_at <= now - period,
                ),
            )
            for cadence, period in PERIODS.items()
        )
    )
    people = (
        await session.execute(
            select(NotificationPreference, User.email, User.name, User.language)
            .join(User, User.id == NotificationPreference.user_id)
            .where(due, User.deleted_at.is_(None))
            .order_by(NotificationPreference.user_id)
            .limit(DIGEST_USERS)
        )
    ).all()
    gathered = await _gathered(session, [row[0] for row in people], now)
    sent = 0
    for preferences, address, name, language in people:
        preferences.digest_sent_at = now
        unread = gathered.get(preferences.user_id, [])
        if not unread:
            continue
        for notification in unread:
            notification.sent_at = now
        jobs.after_commit(
            session,
            send_email,
            to=address,
            template="digest",
            context={
                "name": name,
                "period": preferences.email_cadence.value,
                "count": len(unread),
                "items": [
                    {
                        "title": item.title,
                        "message": (item.message or "")[:300],
                        "action_url": item.action_url or "",
                    }
                    for item in unread[:DIGEST_ITEMS]
                ],
                "more": max(0, len(unread) - DIGEST_ITEMS),
                "unsubscribe_url": unsubscribe.link(preferences.user_id, DIGEST),
            },
            headers=unsubscribe.headers(preferences.user_id, DIGEST),
            language=language_of(language),
        )
        sent += 1
    await session.flush()
    return sent
