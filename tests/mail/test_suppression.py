"""Bounces and complaints from the mail provider: a permanent bounce stops all mail to the
address, a complaint all but transactional mail; the webhooks need their secret."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.config import mail_settings
from lectern.mail.tasks import send_email
from lectern.models import EmailSuppression, EmailSuppressionReason
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.factories.instructors import create_admin

SECRET = "hook-secret-for-tests"


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTERN_MAIL_WEBHOOK_SECRET", SECRET)
    mail_settings.cache_clear()


def basic(password: str) -> dict[str, str]:
    token = base64.b64encode(f"postmark:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def suppressed(db: AsyncSession) -> dict[str, EmailSuppressionReason]:
    rows = await db.execute(select(EmailSuppression.email, EmailSuppression.reason))
    return dict(rows.all())


async def test_postmark_hard_bounces_and_complaints_are_kept_soft_ones_are_not(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    url = "/api/v1/mail/events/postmark"
    hard = {"RecordType": "Bounce", "Type": "HardBounce", "Email": "Gone@Example.test"}
    soft = {"RecordType": "Bounce", "Type": "SoftBounce", "Email": "full@example.test"}
    spam = {"RecordType": "SpamComplaint", "Email": "angry@example.test"}

    answers = [
        await client.post(url, json=body, headers=basic(SECRET)) for body in (hard, soft, spam)
    ]
    again = await client.post(url, json=hard, headers=basic(SECRET))

    assert [a.json()["suppressed"] for a in answers] == [
        ["gone@example.test"],
        [],
        ["angry@example.test"],
    ]
    assert again.json()["suppressed"] == []
    assert await suppressed(db) == {
        "gone@example.test": EmailSuppressionReason.BOUNCE,
        "angry@example.test": EmailSuppressionReason.COMPLAINT,
    }


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, basic("wrong")])
async def test_a_webhook_without_its_secret_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, headers: dict[str, str]
) -> None:
    answer = await client.post(
        "/api/v1/mail/events/generic",
        json={"type": "bounce", "email": "x@example.test"},
        headers=headers,
    )

    assert answer.status_code == 401
    assert await suppressed(db) == {}


async def test_malformed_events_are_refused_or_ignored(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    bearer_secret = {"Authorization": f"Bearer {SECRET}"}
    url = "/api/v1/mail/events/generic"

    not_json = await client.post(url, content=b"{oops", headers=bearer_secret)
    a_list = await client.post(url, json=[1, 2], headers=bearer_secret)
    no_address = await client.post(url, json={"type": "bounce"}, headers=bearer_secret)
    unknown = await client.post("/api/v1/mail/events/mailgun", json={}, headers=bearer_secret)

    assert (not_json.status_code, a_list.status_code) == (422, 422)
    assert no_address.json() == {"suppressed": []}
    assert unknown.status_code == 422
    assert await suppressed(db) == {}


async def test_the_mail_job_respects_the_list(
    client: httpx.AsyncClient, db: AsyncSession, mail_dir: Path
) -> None:
    bearer_secret = {"Authorization": f"Bearer {SECRET}"}
    url = "/api/v1/mail/events/generic"
    await client.post(
        url, json={"type": "bounce", "email": "gone@example.test"}, headers=bearer_secret
    )
    await client.post(
        url, json={"type": "complaint", "email": "angry@example.test"}, headers=bearer_secret
    )
    context = {
        "name": "N",
        "title": "T",
        "message": "M",
        "action_url": "",
        "action_text": "",
        "reason": "r",
        "unsubscribe_url": "u",
    }

    for to in ("gone@example.test", "angry@example.test", "fine@example.test"):
        jobs.after_commit(db, send_email, to=to, template="notification", context=context)
    jobs.after_commit(
        db,
        send_email,
        to="angry@example.test",
        template="password_changed",
        context={"name": "N", "link": "https://example.test/reset"},
    )
    await jobs.dispatch_pending(db)

    sent = sorted((str(m["To"]), str(m["Subject"])) for m in await mails(mail_dir))
    assert [to for to, _ in sent] == ["angry@example.test", "fine@example.test"]


async def test_admins_see_and_lift_suppressions(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    admin = await create_admin(db)
    await client.post(
        "/api/v1/mail/events/generic",
        json={"type": "bounce", "email": "gone@example.test", "detail": "mailbox unknown"},
        headers={"Authorization": f"Bearer {SECRET}"},
    )

    listed = await client.get("/api/v1/admin/mail/suppressions", headers=bearer(admin))
    lifted = await client.delete(
        "/api/v1/admin/mail/suppressions/gone@example.test", headers=bearer(admin)
    )
    again = await client.delete(
        "/api/v1/admin/mail/suppressions/gone@example.test", headers=bearer(admin)
    )

    assert [(s["email"], s["reason"], s["detail"]) for s in listed.json()["items"]] == [
        ("gone@example.test", "bounce", "mailbox unknown")
    ]
    assert (lifted.status_code, again.status_code) == (204, 404)
