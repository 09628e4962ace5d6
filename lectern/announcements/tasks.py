"""Jobs of announcements: telling an announcement's audience, a batch at a time, and the
periodic start of the deliveries whose time has come."""

from __future__ import annotations

import html
from datetime import timedelta

import nh3
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.announcements.audience import recipients
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.kit.links import app_link
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import Announcement
from lectern.notifications.service import About, notify_many
from lectern.schedule import periodic

BATCH = 500


def plain_text(rich: str) -> str:
    """The announcement's HTML as the text a notification and an e-mail show."""
    return html.unescape(nh3.clean(rich.replace("</p>", "</p>\n"), tags=set())).strip()


@broker.task(task_name="lectern.announcements.deliver")
async def deliver(announcement_id: int, after_user_id: int) -> None:
    """Tell the next batch of the audience (user ids past ``after_user_id``), then queue the
    batch after it. Each batch is one short transaction."""
    async with unit_of_work() as session:
        announcement = await session.get(Announcement, announcement_id)
        if announcement is None or announcement.deleted_at is not None:
            return
        audience = recipients(announcement).subquery()
        batch = list(
            await session.scalars(
                select(audience.c.id)
                .where(audience.c.id > after_user_id)
                .order_by(audience.c.id)
                .limit(BATCH)
            )
        )
        await notify_many(
            session,
            [user_id for user_id in batch if user_id != announcement.user_id],  # its author knows
            "promotions" if announcement.is_promotional else "announcements",
            title=announcement.title,
            message=plain_text(announcement.content),
            action_url=app_link("home"),
            about=About("announcement", announcement.id),
            email=announcement.send_email,
            push=announcement.send_push,
        )
        if len(batch) == BATCH:
            jobs.after_commit(
                session, deliver, announcement_id=announcement_id, after_user_id=batch[-1]
            )


async def start_delivery(session: AsyncSession, announcement_id: int) -> bool:
    """Mark the announcement delivered (once: a conditional UPDATE) and queue its first batch."""
    started = await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.delivered_at.is_(None))
        .values(delivered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not rowcount(started):
        return False
    jobs.after_commit(session, deliver, announcement_id=announcement_id, after_user_id=0)
    return True


@periodic(timedelta(minutes=1), name="announcements.deliver_due")
async def deliver_due(session: AsyncSession) -> int:
    """Start delivering the announcements whose ``published_at`` has come."""
    due = list(
        await session.scalars(
            select(Announcement.id).where(
                Announcement.delivered_at.is_(None),
                Announcement.published_at <= utcnow(),
                Announcement.deleted_at.is_(None),
            )
        )
    )
    return sum([await start_delivery(session, announcement_id) for announcement_id in due])
