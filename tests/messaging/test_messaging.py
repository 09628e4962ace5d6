"""Messaging: learners and their instructors write to each other, anyone asks a course's
instructor about it, strangers are refused; unread counts stay exact, even under 30
parallel messages."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import ConversationParticipant, Message, User
from tests.conftest import Live, bearer
from tests.discussions.conftest import School
from tests.reviews.helpers import code

URL = "/api/v1/conversations"


async def write(
    client: httpx.AsyncClient, sender: User, recipient: User, **body: Any
) -> httpx.Response:
    body.setdefault("message", "Hello!")
    return await client.post(
        URL, json={"recipient": str(recipient.uuid), **body}, headers=bearer(sender)
    )


async def test_a_learner_and_their_instructor_talk_in_one_conversation(
    client: httpx.AsyncClient, school: School
) -> None:
    first = await write(client, school.ada, school.teacher, message="When is the exam?")
    answer = await write(client, school.teacher, school.ada, message="On Friday.")

    assert (first.status_code, answer.status_code) == (201, 201)
    ada_inbox = (await client.get(URL, headers=bearer(school.ada))).json()
    [conversation] = ada_inbox["items"]
    assert conversation["others"] == [{"uuid": str(school.teacher.uuid), "name": "Grace Hopper"}]
    assert (conversation["last_message"], conversation["unread_count"]) == ("On Friday.", 1)
    assert ada_inbox["unread_total"] == 1
    thread = await client.get(f"{URL}/{conversation['uuid']}/messages", headers=bearer(school.ada))
    assert [m["content"] for m in thread.json()["items"]] == ["When is the exam?", "On Friday."]
    await client.post(f"{URL}/{conversation['uuid']}/read", headers=bearer(school.ada))
    after = (await client.get(URL, headers=bearer(school.ada))).json()
    assert (after["unread_total"], after["items"][0]["unread_count"]) == (0, 0)


async def test_strangers_are_refused_and_see_nothing(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    cold = await write(client, school.stranger, school.ada)
    learner_to_learner = await write(client, school.ada, school.alan)
    started = (await write(client, school.ada, school.teacher)).json()
    conversations = (await client.get(URL, headers=bearer(school.ada))).json()["items"]
    peek = await client.get(
        f"{URL}/{conversations[0]['uuid']}/messages", headers=bearer(school.stranger)
    )

    assert (cold.status_code, code(cold)) == (403, "not_allowed")
    assert learner_to_learner.status_code == 403
    assert started["content"] == "Hello!"
    assert peek.status_code == 404
    assert await db.scalar(select(func.count(Message.id))) == 1


async def test_anyone_may_ask_a_courses_instructor_about_it(
    client: httpx.AsyncClient, school: School
) -> None:
    asked = await write(
        client, school.stranger, school.teacher, course=str(school.course.uuid), subject="Level?"
    )
    wrong_person = await write(client, school.stranger, school.alan, course=str(school.course.uuid))

    assert asked.status_code == 201
    inbox = (await client.get(URL, headers=bearer(school.teacher))).json()["items"]
    assert (inbox[0]["type"], inbox[0]["course_uuid"]) == (
        "course_inquiry",
        str(school.course.uuid),
    )
    assert wrong_person.status_code == 403


async def test_a_closed_conversation_takes_no_more(
    client: httpx.AsyncClient, school: School
) -> None:
    await write(client, school.ada, school.teacher)
    conversation = (await client.get(URL, headers=bearer(school.ada))).json()["items"][0]
    base = f"{URL}/{conversation['uuid']}"

    muted = await client.put(
        f"{base}/participation", json={"muted": True}, headers=bearer(school.ada)
    )
    closed = await client.post(f"{base}/close", headers=bearer(school.teacher))
    late = await client.post(
        f"{base}/messages", json={"content": "One more"}, headers=bearer(school.ada)
    )

    assert (muted.status_code, closed.status_code) == (204, 204)
    assert (late.status_code, code(late)) == (409, "conversation_closed")
    inbox = (await client.get(URL, headers=bearer(school.ada))).json()["items"]
    assert (inbox[0]["is_muted"], inbox[0]["is_closed"]) == (True, True)


@pytest.mark.parametrize("body", [{"message": ""}, {"message": "x", "sender": "me"}, {}])
async def test_malformed_messages_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, school: School, body: dict[str, Any]
) -> None:
    answer = await client.post(
        URL, json={"recipient": str(school.teacher.uuid), **body}, headers=bearer(school.ada)
    )

    assert answer.status_code == 422
    assert await db.scalar(select(func.count(Message.id))) == 0


async def test_thirty_parallel_messages_leave_the_unread_count_exact(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live.app.state.rate_limiter.settings, "message_rate", "100/minute")
    teacher, _, [learner] = await live.school(1)
    started = await live.client.post(
        URL,
        json={"recipient": str(teacher.uuid), "message": "First"},
        headers=bearer(learner),
    )
    assert started.status_code == 201, started.text
    inbox = (await live.client.get(URL, headers=bearer(learner))).json()["items"]
    path = f"{URL}/{inbox[0]['uuid']}/messages"

    answers = await asyncio.gather(
        *(
            live.client.post(path, json={"content": f"Message {n}"}, headers=bearer(learner))
            for n in range(30)
        )
    )

    assert {answer.status_code for answer in answers} == {201}
    async with live.sessions() as session:
        unread = await session.scalar(
            select(ConversationParticipant.unread_count).where(
                ConversationParticipant.user_id == teacher.id
            )
        )
        assert unread == 31
        kept = await session.scalar(
            select(func.count(Message.id)).where(Message.sender_id == learner.id)
        )
        assert kept == 31


async def test_sending_is_rate_limited_per_sender(
    client: httpx.AsyncClient, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = client._transport.app.state.rate_limiter  # type: ignore[attr-defined]
    monkeypatch.setattr(limiter.settings, "message_rate", "2/minute")

    answers = [await write(client, school.ada, school.teacher, message=f"#{n}") for n in range(3)]
    other = await write(client, school.alan, school.teacher)

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert other.status_code == 201
