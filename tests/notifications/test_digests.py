"""Digests: a user who chose a daily or weekly e-mail gets one message gathering what came
since the last and is still unread, never the same notification twice; what cannot wait
(a live class) still comes at once; the digest's unsubscribe link works in one click."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.kit.types import utcnow
from lectern.models import Notification, NotificationPreference, User
from lectern.notifications import service as notifications
from lectern.notifications.tasks import send_digests
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.factories import create_user


async def choose(client: httpx.AsyncClient, user: User, **choices: object) -> None:
    answer = await client.patch(
        "/api/v1/users/me/notification-preferences", json=choices, headers=bearer(user)
    )
    assert answer.status_code == 200, answer.text


async def tell(db: AsyncSession, user: User, title: str, kind: str = "course_updates") -> None:
    await notifications.notify(db, user.id, kind, title=title, message=f"About {title}")
    await jobs.dispatch_pending(db)


async def test_a_daily_digest_gathers_the_unread_once(
    client: httpx.AsyncClient, db: AsyncSession, mail_dir: Path
) -> None:
    user = await create_user(db)
    await choose(client, user, email_cadence="daily")
    for title in ("New lesson", "Read already", "Course updated"):
        await tell(db, user, title)
    await db.execute(update(Notification).where(Notification.title == "Read already").values(
        read_at=Notification.created_at))  # fmt: skip
    at_once = await mails(mail_dir)

    first = [await send_digests(db), await send_digests(db)]
    await jobs.dispatch_pending(db)
    [digest] = await mails(mail_dir)

    assert at_once == []
    assert first == [1, 0]
    assert digest["Subject"] == "Your daily digest: 2 new notifications"
    text = digest.get_body(("plain",)).get_content()
    assert "New lesson" in text
    assert "Course updated" in text
    assert "Read already" not in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    await db.execute(
        update(NotificationPreference)
        .where(NotificationPreference.user_id == user.id)
        .values(digest_sent_at=utcnow() - timedelta(days=2))
    )
    await tell(db, user, "Later")
    assert await send_digests(db) == 1
    await jobs.dispatch_pending(db)
    second = [m for m in await mails(mail_dir) if m is not digest and "1 new" in m["Subject"]]
    [later] = second
    assert "Later" in later.get_body(("plain",)).get_content()
    assert "New lesson" not in later.get_body(("plain",)).get_content()


async def test_what_cannot_wait_comes_at_once_even_with_a_digest(
    client: httpx.AsyncClient, db: AsyncSession, mail_dir: Path
) -> None:
    user = await create_user(db)
    await choose(client, user, email_cadence="weekly")

    await tell(db, user, "Your live class starts soon", kind="live_classes")

    [mail] = await mails(mail_dir)
    assert mail["Subject"] == "Your live class starts soon"


async def test_the_digest_unsubscribe_turns_its_e_mails_off(
    client: httpx.AsyncClient, db: AsyncSession, mail_dir: Path
) -> None:
    user = await create_user(db)
    await choose(client, user, email_cadence="daily")
    await tell(db, user, "Something")
    await send_digests(db)
    await jobs.dispatch_pending(db)
    [digest] = await mails(mail_dir)
    link = digest["List-Unsubscribe"].strip("<>")

    answer = await client.post(link[link.index("/unsubscribe/") :])

    assert answer.status_code == 200
    row = await db.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    assert row is not None
    assert (row.email_course_updates, row.email_qa_replies, row.email_announcements) == (
        False,
        False,
        False,
    )
