"""Support tickets: a user opens one (about their own course or order only), staff answer
and note; internal notes never reach the user; first response, resolution and closing are
kept; a resolved ticket closes itself; satisfaction is rated once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import SupportTicket, SupportTicketStatus, User
from lectern.support.tasks import close_resolved_tickets
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course
from tests.reviews.helpers import code

MINE = "/api/v1/support/tickets"
STAFF = "/api/v1/admin/support/tickets"


@pytest.fixture
async def user(db: AsyncSession) -> User:
    return await create_user(db, name="Ada Lovelace")


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_admin(db, name="Support Sam")


async def open_one(client: httpx.AsyncClient, user: User, **body: Any) -> httpx.Response:
    body.setdefault("subject", "The video of lesson 3 does not play")
    body.setdefault("message", "It stops at 0:42 every time.")
    return await client.post(MINE, json=body, headers=bearer(user))


async def test_a_ticket_is_answered_and_its_internal_notes_stay_internal(
    client: httpx.AsyncClient, db: AsyncSession, user: User, admin: User, mail_dir: Path
) -> None:
    opened = await open_one(client, user, category="technical")
    assert opened.status_code == 201, opened.text
    ticket = opened.json()
    assert ticket["ticket_number"].startswith("T-")
    replies = f"{STAFF}/{ticket['uuid']}/replies"

    await client.post(
        replies, json={"message": "Looks like the CDN.", "internal": True}, headers=bearer(admin)
    )
    answered = await client.post(
        replies, json={"message": "Fixed: please try again."}, headers=bearer(admin)
    )

    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "waiting"
    assert answered.json()["first_response_at"] is not None
    assert [r["is_internal_note"] for r in answered.json()["replies"]] == [True, False]
    seen = await client.get(f"{MINE}/{ticket['uuid']}", headers=bearer(user))
    assert [r["message"] for r in seen.json()["replies"]] == ["Fixed: please try again."]
    assert "CDN" not in seen.text
    [mail] = [m for m in await mails(mail_dir) if str(m["To"]) == user.email]
    assert str(mail["Subject"]).startswith(f"[{ticket['ticket_number']}]")
    assert "CDN" not in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_only_my_own_course_or_order_and_only_my_tickets(
    client: httpx.AsyncClient, db: AsyncSession, user: User
) -> None:
    course = await create_published_course(db, await create_instructor(db))
    theirs = await create_published_course(db, await create_instructor(db))
    await create_enrollment(db, user, course)
    other = await create_user(db)

    about_mine = await open_one(client, user, course=str(course.uuid))
    about_theirs = await open_one(client, user, course=str(theirs.uuid))
    unknown_order = await open_one(client, user, order="00000000-0000-0000-0000-000000000000")
    urgent = await open_one(client, user, priority="urgent")
    peek = await client.get(f"{MINE}/{about_mine.json()['uuid']}", headers=bearer(other))

    assert about_mine.json()["course_uuid"] == str(course.uuid)
    assert (about_theirs.status_code, unknown_order.status_code) == (422, 422)
    assert urgent.status_code == 422
    assert peek.status_code == 404
    assert (await client.get(STAFF, headers=bearer(user))).status_code == 403


async def test_the_queue_filters_and_puts_urgent_first(
    client: httpx.AsyncClient, db: AsyncSession, user: User, admin: User
) -> None:
    first = (await open_one(client, user, subject="Billing question", category="billing")).json()
    second = (await open_one(client, user, subject="Cannot log in")).json()
    await client.patch(
        f"{STAFF}/{second['uuid']}",
        json={"priority": "urgent", "assignee": str(admin.uuid)},
        headers=bearer(admin),
    )

    queue = await client.get(STAFF, headers=bearer(admin))
    mine = await client.get(STAFF, params={"assigned": "me"}, headers=bearer(admin))
    billing = await client.get(STAFF, params={"category": "billing"}, headers=bearer(admin))
    searched = await client.get(STAFF, params={"q": "LOG IN"}, headers=bearer(admin))
    bad_assignee = await client.patch(
        f"{STAFF}/{first['uuid']}", json={"assignee": str(user.uuid)}, headers=bearer(admin)
    )

    assert [t["uuid"] for t in queue.json()["items"]] == [second["uuid"], first["uuid"]]
    assert queue.json()["items"][0]["assignee_name"] == "Support Sam"
    assert [t["uuid"] for t in mine.json()["items"]] == [second["uuid"]]
    assert [t["uuid"] for t in billing.json()["items"]] == [first["uuid"]]
    assert [t["uuid"] for t in searched.json()["items"]] == [second["uuid"]]
    assert bad_assignee.status_code == 422


async def test_resolution_reopening_rating_and_closing(
    client: httpx.AsyncClient, db: AsyncSession, user: User, admin: User
) -> None:
    ticket = (await open_one(client, user)).json()
    mine, staff = f"{MINE}/{ticket['uuid']}", f"{STAFF}/{ticket['uuid']}"

    too_soon = await client.put(f"{mine}/rating", json={"rating": 5}, headers=bearer(user))
    resolved = await client.patch(staff, json={"status": "resolved"}, headers=bearer(admin))
    reopened = await client.post(
        f"{mine}/messages", json={"message": "Still broken"}, headers=bearer(user)
    )
    await client.patch(staff, json={"status": "resolved"}, headers=bearer(admin))
    rated = await client.put(
        f"{mine}/rating", json={"rating": 4, "feedback": "Quick"}, headers=bearer(user)
    )
    twice = await client.put(f"{mine}/rating", json={"rating": 1}, headers=bearer(user))
    out_of_range = await client.put(f"{mine}/rating", json={"rating": 6}, headers=bearer(user))

    assert (too_soon.status_code, code(too_soon)) == (409, "not_resolved")
    assert resolved.json()["resolved_at"] is not None
    assert (reopened.json()["status"], reopened.json()["resolved_at"]) == ("open", None)
    assert rated.json()["satisfaction_rating"] == 4
    assert (twice.status_code, code(twice)) == (409, "already_rated")
    assert out_of_range.status_code == 422

    # Resolved long enough ago, it closes itself; then it takes nothing more.
    await db.execute(update(SupportTicket).values(resolved_at=utcnow() - timedelta(days=8)))
    assert await close_resolved_tickets(db) == 1
    row = await db.scalar(select(SupportTicket))
    assert row is not None
    await db.refresh(row)
    assert (row.status, row.closed_at is not None) == (SupportTicketStatus.CLOSED, True)
    closed = await client.post(f"{mine}/messages", json={"message": "Hello?"}, headers=bearer(user))
    assert (closed.status_code, code(closed)) == (409, "ticket_closed")
