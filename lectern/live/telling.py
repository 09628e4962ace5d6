"""Telling a class's people what happened to it (a seat, a change, a cancellation, a
reminder): a notification in the app and, as their preferences allow, an e-mail carrying
the class's calendar entry, its time written in each person's own zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.i18n import Text, language_of, moment, say, zone_or
from lectern.kit.links import app_link
from lectern.live.calendar import Entry, invitation
from lectern.models import User
from lectern.notifications.service import About, notify_many


async def tell(
    session: AsyncSession,
    entry: Entry,
    user_ids: Sequence[int],
    *,
    title: str | Text,
    lead: str | Text,
    with_calendar: bool,
) -> None:
    """Tell ``user_ids`` ``lead`` followed by the class's time in their zone (the class's
    when theirs is unknown), in their language: one notification batch per zone and
    language."""
    if not user_ids:
        return
    live_class = entry.live_class
    groups: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for user_id, zone, language in await session.execute(
        select(User.id, User.timezone, User.language).where(User.id.in_(list(user_ids)))
    ):
        groups[zone_or(zone, live_class.timezone), language_of(language)].append(user_id)
    calendar = invitation(entry) if with_calendar else None
    link = app_link("live_class", course=entry.course_uuid, live_class=live_class.uuid)
    for (zone, language), ids in groups.items():
        message = Text(
            "{lead} {title} ({course}): {when}.",
            lead=lead,
            title=live_class.title,
            course=entry.course_title,
            when=moment(live_class.scheduled_at, zone, language),
        )
        await notify_many(
            session,
            ids,
            "live_classes",
            title=say(title, language),
            message=message.say(language),
            action_url=link,
            action_text=Text("Open the class").say(language),
            about=About("live_class", live_class.id),
            calendar=calendar,
        )
