"""Telling a user something: a notification in the app, and an e-mail when their
preference for its kind allows.

``notify`` is the one way other domains' facts reach people (through this domain's
subscribers): it adds the in-app row and, in the same unit of work, queues the e-mail with
its one-click unsubscribe headers; nothing is sent when the transaction rolls back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import channel, jobs
from lectern.errors import NotFound
from lectern.kit.i18n import SOURCE, Text, language_of, say
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.mail.tasks import send_email
from lectern.models import (
    EmailCadence,
    Notification,
    NotificationPreference,
    PushSubscription,
    User,
)
from lectern.notifications import push as push_service
from lectern.notifications import unsubscribe
from lectern.notifications.kinds import DIGEST, GATHERED, KINDS, Kind
from lectern.notifications.schemas import NotificationOut
from lectern.users.service import ensure_row


@dataclass(frozen=True)
class About:
    """What a notification is about (an entity of another table, by type and id)."""

    type: str
    id: int


def _default(column: str) -> bool:
    default: Any = NotificationPreference.__table__.c[column].default
    return bool(default.arg) if default is not None else False


async def notify(
    session: AsyncSession,
    user_id: int,
    kind_name: str,
    *,
    title: str | Text,
    message: str | Text,
    action_url: str | None = None,
    action_text: str | Text | None = None,
    about: About | None = None,
    data: dict[str, Any] | None = None,
    email: bool = True,
    push: bool = True,
    template: str = "notification",
    context: dict[str, Any] | None = None,
    calendar: str | None = None,
) -> Notification:
    """Tell ``user_id``: in the app always, by e-mail when ``email`` and their preference
    for the kind allows."""
    [notification] = await notify_many(
        session,
        [user_id],
        kind_name,
        title=title,
        message=message,
        action_url=action_url,
        action_text=action_text,
        about=about,
        data=data,
        email=email,
        push=push,
        template=template,
        context=context,
        calendar=calendar,
    )
    return notification


async def notify_many(
    session: AsyncSession,
    user_ids: Sequence[int],
    kind_name: str,
    *,
    title: str | Text,
    message: str | Text,
    action_url: str | None = None,
    action_text: str | Text | None = None,
    about: About | None = None,
    data: dict[str, Any] | None = None,
    email: bool = True,
    push: bool = True,
    template: str = "notification",
    context: dict[str, Any] | None = None,
    calendar: str | None = None,
) -> list[Notification]:
    """Tell each of ``user_ids`` the same thing: two statements whatever their number (their
    addresses and choices in one SELECT, the rows in one INSERT; a third when some are in
    their quiet hours). The e-mail is ``template``
    (the generic one unless a kind has its own), given the notification's values, ``context``
    and the unsubscribe link and its reason (every template shows them); ``calendar``, an
    iCalendar document the e-mail carries (a live class). ``title``, ``message`` and
    ``action_text`` given as ``Text`` are said in each one's language."""
    kind = KINDS[kind_name]
    translated = any(isinstance(text, Text) for text in (title, message, action_text))
    reach = await _reach(session, user_ids, kind, email=email, push=push, languages=translated)
    mailed = {user_id for user_id, person in reach.items() if person.mail_now}
    now = utcnow()

    def words(language: str) -> Words:
        return Words(
            say(title, language)[:255],
            say(message, language),
            say(action_text, language) if action_text is not None else None,
            language,
        )

    # Said once per language, whatever the number of people.
    languages = {user_id: reach[user_id].language if user_id in reach else SOURCE
                 for user_id in user_ids}  # fmt: skip
    by_language = {language: words(language) for language in set(languages.values())}
    said = {user_id: by_language[languages[user_id]] for user_id in user_ids}
    notifications = [
        Notification(
            uuid=uuid.uuid4(),
            user_id=user_id,
            type=kind.name,
            title=said[user_id].title,
            message=said[user_id].message,
            action_url=action_url,
            action_text=said[user_id].action_text,
            notifiable_type=about.type if about else None,
            notifiable_id=about.id if about else None,
            data=data,
            sent_at=now if user_id in mailed else None,
        )
        for user_id in user_ids
    ]
    session.add_all(notifications)
    await session.flush()
    channel.publish_after_commit(
        session,
        "notification",
        [
            (item.user_id, NotificationOut.model_validate(item).model_dump(mode="json"))
            for item in notifications
        ],
    )
    for user_id in mailed:
        person, told = reach[user_id], said[user_id]
        jobs.after_commit(
            session,
            send_email,
            to=person.address,
            template=template,
            context={
                "name": person.name,
                "title": told.title,
                "message": told.message,
                "action_url": action_url or "",
                "action_text": told.action_text or "",
                **(context or {}),
                "reason": kind.described,
                "unsubscribe_url": unsubscribe.link(user_id, kind),
            },
            headers=unsubscribe.headers(user_id, kind),
            calendar=calendar,
            language=told.language,
        )
    held_since = min((item.created_at for item in notifications), default=now)
    await _push(session, reach, kind, said, action_url, held_since)
    return notifications


@dataclass(frozen=True)
class Words:
    """A notification's words as one person reads them."""

    title: str
    message: str
    action_text: str | None
    language: str


@dataclass(frozen=True)
class Reach:
    """How one user hears of a notification besides the app."""

    address: str
    name: str
    language: str
    mail_now: bool  # an e-mail at once (else none, or in their digest)
    push: bool  # a push to their devices
    quiet: bool  # in their quiet hours now: the push waits


async def _reach(
    session: AsyncSession,
    user_ids: Sequence[int],
    kind: Kind,
    *,
    email: bool,
    push: bool,
    languages: bool,
) -> dict[int, Reach]:
    """Of ``user_ids``, who is mailed now and who is pushed, from their choices (or the
    defaults while they have made none), their language, cadence, devices and quiet hours:
    one SELECT, none when the kind goes neither by e-mail nor by push and nothing is to be
    translated."""
    pushed = push and kind.push_preference is not None
    if not user_ids or not (email or pushed or languages):
        return {}
    mail_choice = getattr(NotificationPreference, kind.email_preference)
    push_choice = (
        getattr(NotificationPreference, kind.push_preference)
        if pushed and kind.push_preference
        else literal(False)
    )
    has_device = exists().where(PushSubscription.user_id == User.id)
    rows = await session.execute(
        select(
            User.id, User.email, User.name, User.timezone, User.language, mail_choice,
            push_choice,
            NotificationPreference.email_cadence, NotificationPreference.quiet_hours_start,
            NotificationPreference.quiet_hours_end, has_device,
        )
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.id.in_(list(user_ids)), User.deleted_at.is_(None))
    )  # fmt: skip
    mail_default = _default(kind.email_preference)
    push_default = _default(kind.push_preference) if pushed and kind.push_preference else False
    now = utcnow()
    reach = {}
    for (
        user_id, address, name, zone, language, mail_chosen, push_chosen, cadence, start, end,
        device,
    ) in rows:  # fmt: skip
        wants_mail = email and (mail_default if mail_chosen is None else bool(mail_chosen))
        digested = kind.digest and cadence not in (None, EmailCadence.INSTANT)
        wants_push = bool(device) and (push_default if push_chosen is None else bool(push_chosen))
        reach[user_id] = Reach(
            address=address,
            name=name,
            language=language_of(language),
            mail_now=wants_mail and not digested,
            push=wants_push,
            quiet=wants_push and push_service.quiet_now(start, end, zone, now),
        )
    return reach


async def _push(
    session: AsyncSession,
    reach: dict[int, Reach],
    kind: Kind,
    said: dict[int, Words],
    action_url: str | None,
    held_since: datetime,
) -> None:
    """Push to those who take it now (a job per language, once committed); hold it for those
    in their quiet hours (from ``held_since``, unless held already)."""
    by_language: dict[str, list[int]] = {}
    for user_id, person in reach.items():
        if person.push and not person.quiet:
            by_language.setdefault(person.language, []).append(user_id)
    for ids in by_language.values():
        told = said[ids[0]]
        payload = {
            "title": told.title,
            "body": told.message[:500],
            "url": action_url or "",
            "tag": kind.name,
        }
        jobs.after_commit(session, push_service.deliver, user_ids=ids, payload=payload)
    quiet = [user_id for user_id, person in reach.items() if person.quiet]
    await push_service.hold(session, quiet, held_since)


# -- the user's notifications ----------------------------------------------------------------


async def mine(
    session: AsyncSession, user: User, params: PageParams, *, unread_only: bool
) -> tuple[list[Notification], PageMeta, int]:
    """A page of the user's notifications, newest first, and how many are unread."""
    statement = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    items, meta = await paginate(
        session, statement.order_by(Notification.created_at.desc(), Notification.uuid), params
    )
    unread = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    return items, meta, int(unread or 0)


async def mark_read(
    session: AsyncSession, user: User, notification_uuid: uuid.UUID
) -> Notification:
    notification = await session.scalar(
        select(Notification).where(
            Notification.uuid == notification_uuid, Notification.user_id == user.id
        )
    )
    if notification is None:
        raise NotFound("no such notification")
    if notification.read_at is None:
        notification.read_at = utcnow()
        await session.flush()
    return notification


async def mark_all_read(session: AsyncSession, user: User) -> int:
    done = await session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(done)


async def remove(session: AsyncSession, user: User, notification_uuid: uuid.UUID) -> None:
    gone = await session.execute(
        delete(Notification).where(
            Notification.uuid == notification_uuid, Notification.user_id == user.id
        )
    )
    if not rowcount(gone):
        raise NotFound("no such notification")


def _off_with(kind: Kind) -> tuple[Kind, ...]:
    return GATHERED if kind is DIGEST else (kind,)


async def turn_off(session: AsyncSession, user_id: int, kind: Kind) -> None:
    """The unsubscribe link's effect: the kind's e-mail preference off (a digest's: every
    kind's it gathers)."""
    user = await session.get(User, user_id)
    if user is None:
        return
    await ensure_row(session, NotificationPreference, user)
    await session.execute(
        update(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .values(
            {
                **{gathered.email_preference: False for gathered in _off_with(kind)},
                "updated_at": utcnow(),
            }
        )
        .execution_options(synchronize_session=False)
    )
