"""Live classes in calendars (iCalendar, RFC 5545, with icalendar): the ``.ics`` of one class
(attached to the mails that announce it, a change or a cancellation), and each user's private
feed of the classes they registered for, which a calendar app subscribes to.

Every class keeps one UID; a change of time raises its SEQUENCE, so a calendar replaces the
entry instead of adding one, and a cancellation is METHOD:CANCEL with STATUS:CANCELLED.
Times are in the class's zone with its VTIMEZONE, so each calendar shows them in its owner's
own zone. The feed's link is signed (HMAC with a key derived from the platform's secret):
it works with no session, for that user only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from lectern.kit.links import app_link
from lectern.kit.sealing import derived_key
from lectern.kit.types import utcnow
from lectern.models import LiveClass, LiveClassStatus

PRODUCT = "-//Lectern//Live classes//EN"


@dataclass(frozen=True)
class Entry:
    live_class: LiveClass
    course_title: str
    course_uuid: uuid.UUID


def ends_at(live_class: LiveClass) -> datetime:
    return live_class.scheduled_at + timedelta(minutes=live_class.duration_minutes)


def local_start(live_class: LiveClass) -> datetime:
    return live_class.scheduled_at.astimezone(ZoneInfo(live_class.timezone))


def uid(live_class: LiveClass) -> str:
    return f"live-class-{live_class.uuid}@lectern"


def _event(entry: Entry, *, cancelled: bool) -> Event:
    live_class = entry.live_class
    zone = ZoneInfo(live_class.timezone)
    event = Event()
    event.add("uid", uid(live_class))
    event.add("sequence", live_class.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", live_class.scheduled_at.astimezone(zone))
    event.add("dtend", ends_at(live_class).astimezone(zone))
    event.add("summary", f"{live_class.title} ({entry.course_title})")
    page = app_link("live_class", course=entry.course_uuid, live_class=live_class.uuid)
    event.add("description", "\n\n".join(filter(None, [live_class.description, page])))
    event.add("url", page)
    event.add("location", f"Online ({live_class.platform.value.replace('_', ' ')})")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def document(
    entries: Iterable[Entry], *, method: str | None = None, name: str | None = None
) -> str:
    """A calendar of ``entries``; with ``method`` (REQUEST, CANCEL) an invitation or its
    cancellation, as mail attachments are."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        cancelled = entry.live_class.status == LiveClassStatus.CANCELLED
        calendar.add_component(_event(entry, cancelled=cancelled))
    calendar.add_missing_timezones()
    text: str = calendar.to_ical().decode("utf-8")
    return text


def invitation(entry: Entry) -> str:
    """The ``.ics`` a mail about the class carries: the class, or its cancellation."""
    cancelled = entry.live_class.status == LiveClassStatus.CANCELLED
    return document([entry], method="CANCEL" if cancelled else "REQUEST")


# -- the private feed ---------------------------------------------------------------------------


def _mac(user_uuid: uuid.UUID) -> str:
    key = derived_key(b"lectern calendar feed")
    digest = hmac.new(key, str(user_uuid).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


def feed_token(user_uuid: uuid.UUID) -> str:
    return f"{user_uuid}.{_mac(user_uuid)}"


def read_feed_token(token: str) -> uuid.UUID | None:
    """The user a feed token names, or None for one not made here."""
    given, _, mac = token.partition(".")
    try:
        user_uuid = uuid.UUID(given)
    except ValueError:
        return None
    return user_uuid if hmac.compare_digest(mac, _mac(user_uuid)) else None
