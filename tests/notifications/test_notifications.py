"""Notifications: in the app always, by e-mail as each user's preference for the kind says,
with a one-click unsubscribe that needs no session and that link scanners cannot trigger."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.models import Notification, NotificationPreference, User
from lectern.notifications import unsubscribe
from lectern.notifications.kinds import KINDS
from lectern.notifications.service import notify
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.users import create_preferences

ALL_KINDS = sorted(KINDS)


async def sent_to(folder: Path, user: User) -> list[EmailMessage]:
    return [m for m in await mails(folder) if str(m["To"]) == user.email]


@pytest.mark.parametrize("kind", ALL_KINDS)
async def test_each_kind_is_mailed_only_as_the_preference_says(
    db: AsyncSession, mail_dir: Path, kind: str
) -> None:
    willing, unwilling = await create_user(db), await create_user(db)
    column = KINDS[kind].email_preference
    await create_preferences(db, willing, **{column: True})
    await create_preferences(db, unwilling, **{column: False})

    for user in (willing, unwilling):
        await notify(db, user.id, kind, title="Something happened", message="Details")
    await jobs.dispatch_pending(db)

    assert len(await sent_to(mail_dir, willing)) == 1
    assert await sent_to(mail_dir, unwilling) == []
    kept = await db.scalars(select(Notification.user_id).where(Notification.type == kind))
    assert sorted(kept) == sorted([willing.id, unwilling.id])  # in the app either way


async def test_without_choices_the_defaults_apply_and_promotions_are_opt_in(
    db: AsyncSession, mail_dir: Path
) -> None:
    user = await create_user(db)

    await notify(db, user.id, "qa_replies", title="An answer", message="Yes")
    await notify(db, user.id, "promotions", title="A sale", message="50 % off")
    await jobs.dispatch_pending(db)

    [message] = await sent_to(mail_dir, user)
    assert message["Subject"] == "An answer"


async def test_a_mail_carries_one_click_unsubscribe_headers(
    db: AsyncSession, mail_dir: Path
) -> None:
    user = await create_user(db)

    await notify(db, user.id, "new_reviews", title="A review", message="5 stars")
    await jobs.dispatch_pending(db)

    [message] = await sent_to(mail_dir, user)
    link = unsubscribe.link(user.id, KINDS["new_reviews"])
    assert str(message["List-Unsubscribe"]).strip() == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_the_link_asks_first_and_the_post_unsubscribes_with_no_session(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db)
    path = unsubscribe.link(user.id, KINDS["qa_replies"]).removeprefix("http://localhost:8000")

    looked = await client.get(path)
    before = await db.scalar(
        select(NotificationPreference.email_qa_replies).where(
            NotificationPreference.user_id == user.id
        )
    )
    clicked = await client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert looked.status_code == 200
    assert "Stop e-mails about answers in the Q&amp;A?" in looked.text
    assert before is None  # a GET changed nothing
    assert clicked.status_code == 200
    after = await db.scalar(
        select(NotificationPreference.email_qa_replies).where(
            NotificationPreference.user_id == user.id
        )
    )
    assert after is False


@pytest.mark.parametrize("token", ["1.qa_replies.forged", "x", "1.nothing.abc", ""])
async def test_a_forged_or_changed_link_unsubscribes_nobody(
    client: httpx.AsyncClient, db: AsyncSession, token: str
) -> None:
    user = await create_user(db)
    real = unsubscribe.token_for(user.id, KINDS["qa_replies"])
    other = real.replace(f"{user.id}.", f"{user.id + 1}.", 1)

    for bad in (token, other):
        answer = await client.post(f"/unsubscribe/{bad}")
        assert answer.status_code in (404, 405), bad
    assert await db.scalar(select(NotificationPreference.id)) is None


async def test_my_notifications_with_the_unread_count(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, other = await create_user(db), await create_user(db)
    first = await notify(db, user.id, "course_updates", title="One", message="1", email=False)
    await notify(db, user.id, "course_updates", title="Two", message="2", email=False)
    theirs = await notify(db, other.id, "course_updates", title="Theirs", message="x", email=False)
    url = "/api/v1/notifications"

    listed = await client.get(url, headers=bearer(user))
    read = await client.post(f"{url}/{first.uuid}/read", headers=bearer(user))
    unread = await client.get(url, params={"unread": True}, headers=bearer(user))
    not_mine = await client.post(f"{url}/{theirs.uuid}/read", headers=bearer(user))
    all_read = await client.post(f"{url}/read-all", headers=bearer(user))
    deleted = await client.delete(f"{url}/{first.uuid}", headers=bearer(user))
    after = await client.get(url, headers=bearer(user))

    assert [item["title"] for item in listed.json()["items"]] == ["Two", "One"]
    assert listed.json()["unread_count"] == 2
    assert read.json()["read_at"] is not None
    assert [item["title"] for item in unread.json()["items"]] == ["Two"]
    assert not_mine.status_code == 404
    assert all_read.json() == {"marked": 1}
    assert deleted.status_code == 204
    assert (after.json()["unread_count"], len(after.json()["items"])) == (0, 1)
    assert (await client.get(url)).status_code == 401
