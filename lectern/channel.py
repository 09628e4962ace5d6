"""The live channel: events for one user (a new notification, a new message) carried to
their open streams (``GET /notifications/stream``).

Without ``LECTERN_REDIS_URL`` events go through this process's memory (the embedded
default: one process). With it they go through Redis, so a stream open on one API process
hears what another process, or a worker, published: each event is appended to the user's
capped Redis stream, which keeps the last ones for a client that reconnects with
``Last-Event-ID``, and announced on one pub/sub channel that every process hears through a
single connection, handing it to its own open streams.

Events are published once their unit of work has committed (``publish_after_commit``): a
stream never tells what was rolled back. Event ids are ``<milliseconds>-<sequence>``, Redis
stream ids, increasing per user.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.config import job_settings

log = logging.getLogger("lectern.live")

# What a stream may fall behind by before it loses events (it then catches up from the
# notifications and the inbox, which are the record).
_QUEUE_SIZE = 1000


@dataclass(frozen=True)
class LiveEvent:
    id: str
    type: str
    data: dict[str, Any]


def event_position(event_id: str) -> tuple[int, int]:
    """The order of an event id; ValueError when it is not one."""
    milliseconds, _, sequence = event_id.partition("-")
    if not milliseconds.isdigit() or not sequence.isdigit() or len(event_id) > 40:
        raise ValueError(f"not an event id: {event_id!r}")
    return int(milliseconds), int(sequence)


class Channel:
    """The part common to both carriers: this process's open streams, per user."""

    def __init__(self) -> None:
        self._streams: defaultdict[int, set[asyncio.Queue[LiveEvent]]] = defaultdict(set)

    async def publish(self, user_id: int, type: str, data: dict[str, Any]) -> LiveEvent:
        raise NotImplementedError

    async def publish_many(self, type: str, events: list[tuple[int, dict[str, Any]]]) -> None:
        """Publish each ``(user_id, data)``."""
        for user_id, data in events:
            await self.publish(user_id, type, data)

    async def since(self, user_id: int, last_id: str) -> list[LiveEvent]:
        """The user's kept events after ``last_id``, oldest first."""
        raise NotImplementedError

    async def _listening(self) -> None:
        """Make sure this process hears every event published from now on."""

    async def close(self) -> None:
        """Let go of what the channel holds (a connection)."""

    @asynccontextmanager
    async def listen(self, user_id: int) -> AsyncIterator[asyncio.Queue[LiveEvent]]:
        """A queue of the user's events published from now on, while the block lasts."""
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue(_QUEUE_SIZE)
        await self._listening()
        self._streams[user_id].add(queue)
        try:
            yield queue
        finally:
            self._streams[user_id].discard(queue)
            if not self._streams[user_id]:
                del self._streams[user_id]

    def _hand_out(self, user_id: int, event: LiveEvent) -> None:
        for queue in self._streams.get(user_id, ()):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                log.warning("a live stream of user %s is too slow: an event skipped", user_id)


class MemoryChannel(Channel):
    """One process: events handed straight to its streams, the last ones kept per user."""

    def __init__(self, keep: int, keep_seconds: int) -> None:
        super().__init__()
        self._keep_seconds = keep_seconds
        self._kept: defaultdict[int, deque[tuple[float, LiveEvent]]] = defaultdict(
            lambda: deque(maxlen=keep)
        )
        self._last = (0, 0)

    def _next_id(self) -> str:
        now = int(time.time() * 1000)
        milliseconds, sequence = self._last
        self._last = (now, 0) if now > milliseconds else (milliseconds, sequence + 1)
        return "{}-{}".format(*self._last)

    async def publish(self, user_id: int, type: str, data: dict[str, Any]) -> LiveEvent:
        event = LiveEvent(self._next_id(), type, data)
        self._kept[user_id].append((time.monotonic(), event))
        self._hand_out(user_id, event)
        return event

    async def since(self, user_id: int, last_id: str) -> list[LiveEvent]:
        after = event_position(last_id)
        oldest = time.monotonic() - self._keep_seconds
        return [
            event
            for kept_at, event in self._kept.get(user_id, ())
            if kept_at >= oldest and event_position(event.id) > after
        ]


# Appends the event to the user's stream (capped, expiring) and announces it, in one round
# trip and in one step: no process hears of an event that a reconnecting client cannot find.
_PUBLISH = """
local id = redis.call(
  'XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], cjson.encode({u = ARGV[5], i = id, t = ARGV[2], d = ARGV[3]}))
return id
"""


class RedisChannel(Channel):
    """Several processes: events through Redis, heard by one subscriber task per process."""

    def __init__(self, url: str, name: str, keep: int, keep_seconds: int) -> None:
        from redis.asyncio import Redis

        super().__init__()
        self._redis = Redis.from_url(url, decode_responses=True)
        self._name = name
        self._keep = keep
        self._keep_seconds = keep_seconds
        self._publish_script = self._redis.register_script(_PUBLISH)
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    def _key(self, user_id: int) -> str:
        return f"{self._name}:user:{user_id}"

    def _script_args(self, user_id: int, type: str, data: dict[str, Any]) -> dict[str, Any]:
        encoded = json.dumps(data, separators=(",", ":"))
        return {
            "keys": [self._key(user_id), self._name],
            "args": [self._keep, type, encoded, self._keep_seconds, user_id],
        }

    async def publish(self, user_id: int, type: str, data: dict[str, Any]) -> LiveEvent:
        event_id = await self._publish_script(**self._script_args(user_id, type, data))
        return LiveEvent(str(event_id), type, data)

    async def publish_many(self, type: str, events: list[tuple[int, dict[str, Any]]]) -> None:
        """One round trip for a batch (an announcement tells 500 people at a time)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id, data in events:
                await self._publish_script(**self._script_args(user_id, type, data), client=pipe)
            await pipe.execute()

    async def since(self, user_id: int, last_id: str) -> list[LiveEvent]:
        event_position(last_id)
        answer: Any = await self._redis.xread({self._key(user_id): last_id}, count=self._keep)
        entries = answer[0][1] if answer else []
        return [
            LiveEvent(event_id, fields["type"], json.loads(fields["data"]))
            for event_id, fields in entries
        ]

    async def _listening(self) -> None:
        async with self._starting:
            if self._reader is None or self._reader.done():
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(self._name)
                # Subscribed once Redis confirms: events published after this reach us.
                await pubsub.get_message(timeout=5)
                self._reader = asyncio.create_task(self._read(pubsub))

    async def _read(self, pubsub: Any) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                announced = json.loads(message["data"])
                event = LiveEvent(announced["i"], announced["t"], json.loads(announced["d"]))
                self._hand_out(int(announced["u"]), event)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next stream to open subscribes again
            log.exception("the live channel lost its Redis subscription")
        finally:
            await pubsub.aclose()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._redis.aclose()


# One channel per event loop: a Redis connection belongs to the loop that opened it.
_channels: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Channel] = (
    weakref.WeakKeyDictionary()
)


def channel() -> Channel:
    loop = asyncio.get_running_loop()
    found = _channels.get(loop)
    if found is None:
        settings = job_settings()
        keep, keep_seconds = settings.live_replay_events, settings.live_replay_seconds
        found = (
            RedisChannel(settings.redis_url, settings.live_channel, keep, keep_seconds)
            if settings.redis_url
            else MemoryChannel(keep, keep_seconds)
        )
        _channels[loop] = found
    return found


async def close() -> None:
    """Close this event loop's channel, if it has one (the app's shutdown)."""
    found = _channels.pop(asyncio.get_running_loop(), None)
    if found is not None:
        await found.close()


def publish_after_commit(
    session: AsyncSession, type: str, events: list[tuple[int, dict[str, Any]]]
) -> None:
    """Put each ``(user_id, data)`` on that user's live channel once ``session`` commits."""

    async def send() -> None:
        await channel().publish_many(type, events)

    if events:
        jobs.call_after_commit(session, f"live {type}", send)
