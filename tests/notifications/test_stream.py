"""The live channel: notifications and messages reach an open stream, a reconnecting stream
gets what it missed (Last-Event-ID), an idle one hears heartbeats; through Redis, a stream on
one API process hears what another published."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import uuid
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import delete, select

from bench.harness import JWT_KEY, free_port, start_server, stop_server, wait_until_up
from lectern.channel import MemoryChannel, RedisChannel
from lectern.config import AuthSettings, job_settings
from lectern.db import unit_of_work
from lectern.models import Conversation, ConversationParticipant, User
from lectern.notifications import service as notifications
from lectern.notifications import stream as live_stream
from lectern.security.tokens import issue_access_token
from tests.conftest import Live, bearer

STREAM = "/api/v1/notifications/stream"
CONVERSATIONS = "/api/v1/conversations"


def redis_url() -> str:
    return os.environ.get("LECTERN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


_LINES: weakref.WeakKeyDictionary[httpx.Response, AsyncIterator[str]] = weakref.WeakKeyDictionary()


async def read_events(
    response: httpx.Response, count: int, within: float = 15
) -> list[dict[str, Any]]:
    """The next ``count`` events of an open stream: each one's fields, its data decoded, and
    the comment lines (heartbeats) that came before it."""
    lines = _LINES.setdefault(response, response.aiter_lines())
    found: list[dict[str, Any]] = []
    current: dict[str, Any] = {"comments": []}
    async with asyncio.timeout(within):
        async for line in lines:
            if line.startswith(":"):
                current["comments"].append(line)
            elif line:
                field, _, value = line.partition(":")
                current[field] = value.removeprefix(" ")
            elif "data" in current:
                current["data"] = json.loads(current["data"])
                found.append(current)
                current = {"comments": []}
                if len(found) == count:
                    return found
    raise AssertionError(f"the stream ended after {len(found)} events")


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """The app on a real port, in this event loop (a stream needs a real connection)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
            timeout_graceful_shutdown=1,
        )
    )  # fmt: skip
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def tell(live: Live, user: User, title: str) -> None:
    async with unit_of_work(live.sessions) as session:
        await notifications.notify(session, user.id, "course_updates", title=title, message="")


async def drop_conversations(live: Live, user: User) -> None:
    """The conversations the servers made (the live fixture forgets only its own rows)."""
    async with live.sessions() as session:
        theirs = select(ConversationParticipant.conversation_id).where(
            ConversationParticipant.user_id == user.id
        )
        await session.execute(delete(Conversation).where(Conversation.id.in_(theirs)))
        await session.commit()


async def test_a_notification_and_a_message_reach_the_open_stream(live: Live) -> None:
    teacher, _, [learner] = await live.school(1)
    try:
        await _notification_and_message(live, teacher, learner)
    finally:
        await drop_conversations(live, teacher)


async def _notification_and_message(live: Live, teacher: User, learner: User) -> None:
    async with (
        serving(live.app) as base,
        httpx.AsyncClient(base_url=base) as http,
        http.stream("GET", STREAM, headers=bearer(teacher)) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        await tell(live, teacher, "The course was approved")
        sent = await http.post(
            CONVERSATIONS,
            json={"recipient": str(teacher.uuid), "message": "Is there homework?"},
            headers=bearer(learner),
        )
        assert sent.status_code == 201, sent.text
        told, message = await read_events(stream, 2)

    assert told["event"] == "notification"
    assert told["data"]["title"] == "The course was approved"
    assert told["data"]["type"] == "course_updates"
    assert message["event"] == "message"
    assert message["data"]["message"]["content"] == "Is there homework?"
    assert message["data"]["message"]["sender"]["uuid"] == str(learner.uuid)
    assert told["id"] < message["id"]


async def test_only_the_user_hears_their_events_and_nothing_rolled_back(live: Live) -> None:
    teacher, _, [learner] = await live.school(1)
    async with (
        serving(live.app) as base,
        httpx.AsyncClient(base_url=base) as http,
        http.stream("GET", STREAM, headers=bearer(learner)) as stream,
    ):
        await tell(live, teacher, "For the teacher")
        with contextlib.suppress(RuntimeError):
            async with unit_of_work(live.sessions) as session:
                await notifications.notify(
                    session, learner.id, "course_updates", title="Rolled back", message=""
                )
                raise RuntimeError("the unit of work fails")
        await tell(live, learner, "For the learner")
        [event] = await read_events(stream, 1)

    assert event["data"]["title"] == "For the learner"


async def test_a_stream_that_reconnects_gets_what_it_missed_once(live: Live) -> None:
    teacher, _, _ = await live.school(0)
    async with (
        serving(live.app) as base,
        httpx.AsyncClient(base_url=base) as http,
        http.stream("GET", STREAM, headers=bearer(teacher)) as stream,
    ):
        await tell(live, teacher, "First")
        [first] = await read_events(stream, 1)
        await tell(live, teacher, "Second")
        await tell(live, teacher, "Third")
        resumed = {**bearer(teacher), "Last-Event-ID": first["id"]}
        async with http.stream("GET", STREAM, headers=resumed) as stream:
            missed = await read_events(stream, 2)
            await tell(live, teacher, "Fourth")
            [fresh] = await read_events(stream, 1)

    assert [event["data"]["title"] for event in missed] == ["Second", "Third"]
    assert fresh["data"]["title"] == "Fourth"
    assert first["id"] < missed[0]["id"] < missed[1]["id"] < fresh["id"]


async def test_an_idle_stream_hears_heartbeats(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_settings(), "live_heartbeat_seconds", 0.2)
    teacher, _, _ = await live.school(0)
    async with (
        serving(live.app) as base,
        httpx.AsyncClient(base_url=base) as http,
        http.stream("GET", STREAM, headers=bearer(teacher)) as stream,
    ):
        await asyncio.sleep(0.7)
        await tell(live, teacher, "After a while")
        [event] = await read_events(stream, 1)

    assert len(event["comments"]) >= 2
    assert all(comment.startswith(": ping") for comment in event["comments"])


async def test_a_stream_needs_a_token_and_a_real_event_id(live: Live) -> None:
    teacher, _, _ = await live.school(0)
    anonymous = await live.client.get(STREAM)
    made_up = await live.client.get(STREAM, headers={**bearer(teacher), "Last-Event-ID": "x"})

    assert anonymous.status_code == 401
    assert made_up.status_code == 422
    assert made_up.headers["content-type"] == "application/problem+json"
    assert "Last-Event-ID" in made_up.json()["detail"]


async def test_a_stream_ends_when_its_token_expires() -> None:
    events = live_stream._events(1, None, until=time.time() + 0.3)
    async with asyncio.timeout(5):
        assert [event async for event in events] == []


async def test_the_memory_channel_keeps_the_last_events_in_order() -> None:
    channel = MemoryChannel(keep=3, keep_seconds=60)
    sent = [await channel.publish(7, "notification", {"n": n}) for n in range(5)]
    await channel.publish(8, "notification", {"n": "other"})

    assert [event.data["n"] for event in await channel.since(7, sent[0].id)] == [2, 3, 4]
    assert await channel.since(7, sent[4].id) == []
    assert sorted(sent, key=lambda event: tuple(map(int, event.id.split("-")))) == sent


async def test_through_redis_one_process_hears_what_another_published() -> None:
    name = f"lectern:test-live:{uuid.uuid4().hex}"
    here, there = (RedisChannel(redis_url(), name, keep=10, keep_seconds=60) for _ in range(2))
    try:
        async with here.listen(5) as queue:
            published = await there.publish(5, "message", {"content": "hello"})
            heard = await asyncio.wait_for(queue.get(), 5)
        later = await there.publish(5, "message", {"content": "again"})

        assert heard == published
        assert await here.since(5, published.id) == [later]
    finally:
        redis = Redis.from_url(redis_url())
        await redis.delete(f"{name}:user:5")
        await redis.aclose()
        await here.close()
        await there.close()


async def test_two_api_processes_share_the_stream_through_redis(live: Live) -> None:
    """The production path: the stream is open on one process, the message is sent through
    another; after a reconnection to the second, the missed messages come from Redis."""
    teacher, _, [learner] = await live.school(1)
    name = f"lectern:test-live:{uuid.uuid4().hex}"
    environment = {
        "LECTERN_REDIS_URL": redis_url(),
        "LECTERN_LIVE_CHANNEL": name,
        "LECTERN_JOBS_QUEUE": f"lectern:test-jobs:{uuid.uuid4().hex}",
    }
    signing = AuthSettings(jwt_keys={"bench": JWT_KEY})

    def headers(user: User) -> dict[str, str]:
        token, _ = issue_access_token(user.uuid, user.role.value, signing)
        return {"Authorization": f"Bearer {token}"}

    url = live.sessions.kw["bind"].url
    ports = free_port(), free_port()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        servers = [start_server(url, workers=1, port=port) for port in ports]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base, server in zip((first, second), servers, strict=True):
            await wait_until_up(base, server, within=60)
        async with httpx.AsyncClient(timeout=15) as http:
            async with http.stream("GET", first + STREAM, headers=headers(teacher)) as stream:
                started = await http.post(
                    second + CONVERSATIONS,
                    json={"recipient": str(teacher.uuid), "message": "One"},
                    headers=headers(learner),
                )
                assert started.status_code == 201, started.text
                [one] = await read_events(stream, 1)
            conversation = one["data"]["conversation_uuid"]
            for content in ("Two", "Three"):
                answer = await http.post(
                    f"{second}{CONVERSATIONS}/{conversation}/messages",
                    json={"content": content},
                    headers=headers(learner),
                )
                assert answer.status_code == 201, answer.text
            resumed = {**headers(teacher), "Last-Event-ID": one["id"]}
            async with http.stream("GET", second + STREAM, headers=resumed) as stream:
                missed = await read_events(stream, 2)
    finally:
        for server in servers:
            stop_server(server)
        await drop_conversations(live, teacher)
        redis = Redis.from_url(redis_url())
        await redis.delete(f"{name}:user:{teacher.id}", environment["LECTERN_JOBS_QUEUE"])
        await redis.aclose()

    assert one["data"]["message"]["content"] == "One"
    assert [event["data"]["message"]["content"] for event in missed] == ["Two", "Three"]
