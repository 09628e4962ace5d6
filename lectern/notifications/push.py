"""Web Push: notifications to the browsers and devices a user subscribed, through their push
services (RFC 8030), signed with the platform's VAPID key (RFC 8292) and encrypted for each
browser (RFC 8291), with pywebpush.

The VAPID key is derived from the platform's secret (``LECTERN_SECRET_KEY``): every process
signs with the same key and nothing is stored; changing the secret changes the key, and
browsers then subscribe again. A subscription the push service answers 404 or 410 for is
gone and is deleted.

Who is pushed is decided with the e-mail (``service.notify_many``): the kind's push
preference, a subscription, and the user's quiet hours, during which the pushes are held
and then sent as one when the quiet hours end (``release_held``).
"""

from __future__ import annotations

import json
import logging
import zoneinfo
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush_async
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.config import mail_settings
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.kit.i18n import zone_or
from lectern.kit.sealing import derived_key
from lectern.kit.sql import dialect_insert
from lectern.kit.types import utcnow
from lectern.models import Notification, NotificationPreference, PushSubscription, User
from lectern.schedule import periodic

log = logging.getLogger("lectern.push")

# How long a push service keeps a push for a device that is offline.
TTL_SECONDS = 24 * 3600
# The curve's order: a private key is a number below it.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@cache
def vapid() -> Vapid02:
    """The platform's VAPID key, derived from its secret."""
    seed = int.from_bytes(derived_key(b"lectern vapid"), "big")
    private = ec.derive_private_key(seed % (_P256_ORDER - 1) + 1, ec.SECP256R1())
    return Vapid02(private_key=private)


def application_server_key() -> str:
    """The public key browsers subscribe with (``applicationServerKey``), base64url."""
    public = vapid().private_key.public_key()
    raw = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return str(b64urlencode(raw))


def _contact() -> str:
    """Who the push services may contact about our pushes (VAPID's ``sub``)."""
    address = parseaddr(mail_settings().mail_from)[1] or "no-reply@lectern.local"
    return f"mailto:{address}"


# -- quiet hours --------------------------------------------------------------------------------


def quiet_now(start: int | None, end: int | None, zone: str, now: datetime) -> bool:
    """Whether ``now`` falls in the quiet hours ``start``-``end`` (minutes after midnight in
    ``zone``; an end before the start runs past midnight)."""
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(zoneinfo.ZoneInfo(zone_or(zone)))
    minute = local.hour * 60 + local.minute
    return start <= minute < end if start < end else minute >= start or minute < end


async def hold(session: AsyncSession, user_ids: list[int], since: datetime) -> None:
    """Remember that pushes wait, from ``since``, for these users' quiet hours to end."""
    if user_ids:
        await session.execute(
            update(NotificationPreference)
            .where(
                NotificationPreference.user_id.in_(user_ids),
                NotificationPreference.push_held_since.is_(None),
            )
            .values(push_held_since=since)
            .execution_options(synchronize_session=False)
        )


@periodic(timedelta(minutes=10), name="notifications.release_held_pushes")
async def release_held(session: AsyncSession) -> int:
    """Quiet hours over: one push saying what came meanwhile (the unread notifications since
    the first push held). How many users were pushed."""
    now = utcnow()
    held = (
        await session.execute(
            select(
                NotificationPreference.user_id,
                NotificationPreference.push_held_since,
                NotificationPreference.quiet_hours_start,
                NotificationPreference.quiet_hours_end,
                User.timezone,
            )
            .join(User, User.id == NotificationPreference.user_id)
            .where(NotificationPreference.push_held_since.is_not(None))
        )
    ).all()
    awake = {
        user_id: since
        for user_id, since, start, end, zone in held
        if not quiet_now(start, end, zone, now)
    }
    if not awake:
        return 0
    counts = dict(
        (
            await session.execute(
                select(Notification.user_id, func.count())
                .join(
                    NotificationPreference,
                    NotificationPreference.user_id == Notification.user_id,
                )
                .where(
                    Notification.user_id.in_(list(awake)),
                    Notification.read_at.is_(None),
                    Notification.created_at >= NotificationPreference.push_held_since,
                )
                .group_by(Notification.user_id)
            )
        ).all()
    )
    await session.execute(
        update(NotificationPreference)
        .where(NotificationPreference.user_id.in_(list(awake)))
        .values(push_held_since=None)
        .execution_options(synchronize_session=False)
    )
    for user_id, count in counts.items():
        await deliver.kiq(
            user_ids=[user_id],
            payload={
                "title": "While you were away",
                "body": f"{count} new notification{'s' if count != 1 else ''}",
                "url": "/notifications",
            },
        )
    return len(counts)


# -- subscriptions ------------------------------------------------------------------------------


async def subscribe(
    session: AsyncSession, user: User, endpoint: str, p256dh: str, auth: str, agent: str | None
) -> None:
    """Keep the browser's subscription (a browser subscribing again, even for another user
    after a sign-in, replaces its row: one endpoint, one row)."""
    values = {"p256dh": p256dh, "auth": auth, "user_agent": agent, "user_id": user.id}
    statement = dialect_insert(PushSubscription, session.get_bind().dialect.name).values(
        endpoint=endpoint, **values
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["endpoint"], set_={**values, "updated_at": utcnow()}
        )
    )


async def unsubscribe(session: AsyncSession, user: User, endpoint: str) -> bool:
    gone = await session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint
        )
    )
    return bool(getattr(gone, "rowcount", 0))


async def devices(session: AsyncSession, user: User) -> list[PushSubscription]:
    return list(
        await session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.id)
        )
    )


# -- sending ------------------------------------------------------------------------------------


@broker.task(task_name="lectern.notifications.push")
async def deliver(user_ids: list[int], payload: dict[str, Any]) -> None:
    """Push ``payload`` to every subscription of ``user_ids``; forget the ones that are gone."""
    async with unit_of_work() as session:
        targets = list(
            await session.execute(
                select(PushSubscription.id, PushSubscription.endpoint,
                       PushSubscription.p256dh, PushSubscription.auth)
                .where(PushSubscription.user_id.in_(user_ids))
            )
        )  # fmt: skip
    if not targets:
        return
    data = json.dumps(payload, separators=(",", ":"))
    outcomes: dict[str, list[int]] = {"sent": [], "gone": [], "failed": []}
    async with aiohttp.ClientSession() as http:
        for subscription_id, endpoint, p256dh, auth in targets:
            outcomes[await _push(http, endpoint, p256dh, auth, data)].append(subscription_id)
    sent, gone = outcomes["sent"], outcomes["gone"]
    async with unit_of_work() as session:
        if gone:
            await session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        if sent:
            await session.execute(
                update(PushSubscription)
                .where(PushSubscription.id.in_(sent))
                .values(last_pushed_at=utcnow())
            )


async def _push(
    http: aiohttp.ClientSession, endpoint: str, p256dh: str, auth: str, data: str
) -> str:
    """``sent``, ``gone`` (404 or 410: the subscription is no more) or ``failed``."""
    try:
        await webpush_async(
            {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=data,
            vapid_private_key=vapid(),
            vapid_claims={"sub": _contact()},
            ttl=TTL_SECONDS,
            timeout=10,
            aiohttp_session=http,
        )
    except WebPushException as error:
        status = error.response.status if error.response is not None else None
        if status in (404, 410):
            return "gone"
        log.warning("a push was refused (%s): %s", status, error)
        return "failed"
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        log.warning("a push could not be sent: %s", error)
        return "failed"
    return "sent"
