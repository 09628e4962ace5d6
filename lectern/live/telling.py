"""Telling a class's people what happened to it (a seat, a change, a cancellation, a
reminder): a notification in the app and, as their preferences allow, an e-mail carrying
the class's calendar entry, its time written in each person's own zone."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.links import app_link
from lectern.live.calendar import Entry, invitation
from lectern.models import User
from lectern.notifications.service import About, notify_many


def wall_clock(moment: datetime, zone: str) -> str:
    """``Tuesday 8 December 2026, 18:00 (Europe/Paris)``."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({zone})"


def _known(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


async def tell(
    session: AsyncSession,
    entry: Entry,
    user_ids: Sequence[int],
    *,
    title: str,
    lead: str,
    with_calendar: bool,
) -> None:
    """Tell ``user_ids`` ``lead`` followed by the class's time in their zone (the class's
    when theirs is unknown): one notification batch per zone."""
    if not user_ids:
        return
    live_class = entry.live_class
    zones: defaultdict[str, list[int]] = defaultdict(list)
    for user_id, zone in await session.execute(
        select(User.id, User.timezone).where(User.id.in_(list(user_ids)))
    ):
        zones[zone if _known(zone) else live_class.timezone].append(user_id)
    calendar = invitation(entry) if with_calendar else None
    link = app_link("live_class", course=entry.course_uuid, live_class=live_class.uuid)
    for zone, ids in zones.items():
        when = wall_clock(live_class.scheduled_at, zone)
        await notify_many(
            session,
            ids,
            "live_classes",
            title=title,
            message=f"{lead} {live_class.title} ({entry.course_title}): {when}.",
            action_url=link,
            action_text="Open the class",
            about=About("live_class", live_class.id),
            calendar=calendar,
        )
