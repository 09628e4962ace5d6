"""Reports, the spam rules and the posting rate: flagged posts are hidden from everyone but
their author and the moderators until one of them restores the post."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import DiscussionReport, SettingType
from tests.conftest import bearer
from tests.discussions.conftest import School, ask, reply
from tests.factories import create_enrollment, create_user
from tests.factories.platform import create_setting
from tests.reviews.helpers import code


async def listed(client: httpx.AsyncClient, school: School, who: object) -> list[str]:
    found = await client.get(
        f"/api/v1/courses/{school.course.uuid}/discussions",
        headers=bearer(who),  # type: ignore[arg-type]
    )
    return [item["uuid"] for item in found.json()["items"]]


async def test_distinct_reports_flag_a_thread_until_a_moderator_restores_it(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    await create_setting(db, "discussions.report_threshold", 2, SettingType.INTEGER)
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    report = f"/api/v1/discussions/{thread}/reports"

    own = await client.post(report, json={"reason": "spam"}, headers=bearer(school.ada))
    first = await client.post(report, json={"reason": "spam"}, headers=bearer(school.alan))
    twice = await client.post(report, json={"reason": "spam"}, headers=bearer(school.alan))
    assert (own.status_code, code(own)) == (403, "own_post")
    assert first.status_code == 204
    assert (twice.status_code, code(twice)) == (409, "already_reported")
    assert thread in await listed(client, school, school.alan)

    await client.post(report, json={"reason": "offensive"}, headers=bearer(school.assistant))

    assert thread not in await listed(client, school, school.alan)
    assert (
        await client.get(f"/api/v1/discussions/{thread}", headers=bearer(school.alan))
    ).status_code == 404
    assert thread in await listed(client, school, school.ada)  # its author still sees it
    assert thread in await listed(client, school, school.teacher)
    restored = await client.post(
        f"/api/v1/discussions/{thread}/restore", headers=bearer(school.teacher)
    )
    assert restored.json()["status"] == "open"
    assert thread in await listed(client, school, school.alan)
    assert await db.scalar(select(func.count(DiscussionReport.id))) == 0


async def test_a_flagged_reply_leaves_the_count_and_comes_back_restored(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    await create_setting(db, "discussions.report_threshold", 1, SettingType.INTEGER)
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    answer = (await reply(client, thread, school.alan, "Buy my course")).json()["id"]

    await client.post(
        f"/api/v1/discussion-replies/{answer}/reports",
        json={"reason": "spam"},
        headers=bearer(school.ada),
    )

    shown = await client.get(f"/api/v1/discussions/{thread}", headers=bearer(school.ada))
    assert shown.json()["replies_count"] == 0
    replies = await client.get(f"/api/v1/discussions/{thread}/replies", headers=bearer(school.ada))
    assert replies.json()["items"] == []
    restored = await client.post(
        f"/api/v1/discussion-replies/{answer}/restore", headers=bearer(school.assistant)
    )
    assert restored.json()["status"] == "active"
    shown = await client.get(f"/api/v1/discussions/{thread}", headers=bearer(school.ada))
    assert shown.json()["replies_count"] == 1


async def test_a_new_accounts_link_is_held_for_moderation(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    newcomer = await create_user(db, created_at=utcnow() - timedelta(hours=2))
    await create_enrollment(db, newcomer, school.course)

    held = await ask(client, school, newcomer, content="Cheap essays at https://spam.example")
    fine = await ask(
        client, school, school.ada, content="See https://en.wikipedia.org/wiki/LR_parser"
    )

    assert (held.status_code, held.json()["held_for_moderation"], held.json()["status"]) == (
        201,
        True,
        "flagged",
    )
    assert fine.json()["held_for_moderation"] is False
    assert held.json()["uuid"] not in await listed(client, school, school.alan)
    assert held.json()["uuid"] in await listed(client, school, school.teacher)


async def test_the_same_text_twice_in_a_day_is_held(
    client: httpx.AsyncClient, school: School
) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    await reply(client, thread, school.alan, "Great question!")

    again = await reply(client, thread, school.alan, "  great   QUESTION! ")

    assert again.json()["held_for_moderation"] is True
    assert again.json()["status"] == "flagged"


async def test_staff_are_never_held(client: httpx.AsyncClient, school: School) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    await reply(client, thread, school.teacher, "See the syllabus")

    again = await reply(client, thread, school.teacher, "See the syllabus")

    assert again.json()["held_for_moderation"] is False


async def test_posting_is_rate_limited_per_user(
    client: httpx.AsyncClient, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = client._transport.app.state.rate_limiter  # type: ignore[attr-defined]
    monkeypatch.setattr(limiter.settings, "discussion_post_rate", "2/minute")
    thread = (await ask(client, school, school.ada)).json()["uuid"]

    second = await reply(client, thread, school.ada, "One more")
    third = await reply(client, thread, school.ada, "And another")
    other_user = await reply(client, thread, school.alan, "Mine")

    assert second.status_code == 201
    assert third.status_code == 429
    assert other_user.status_code == 201
