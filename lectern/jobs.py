"""Background jobs: the Taskiq broker, and sending jobs only once their unit of work has committed.

Without ``LECTERN_REDIS_URL`` jobs run in this process, in the background of the event
loop (the embedded default). With it they go to a Redis stream and `lectern worker`
processes run them. A job must be safe to run twice: a worker may die after doing the
work and before acknowledging it. Domains declare their tasks in their ``domain.py``; a task
that needs the database opens its own ``db.unit_of_work()``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from taskiq import AsyncBroker, AsyncTaskiqDecoratedTask, InMemoryBroker

from lectern.config import job_settings

log = logging.getLogger("lectern.jobs")

_PENDING = "lectern.jobs.after_commit"


def redis_broker(url: str, queue: str) -> AsyncBroker:
    """The production broker: a Redis stream (``queue``) read by a consumer group of workers."""
    from taskiq_redis import RedisStreamBroker

    # consumer_id "0": a group created after jobs were queued (no worker was running yet)
    # still reads them, instead of starting at the end of the stream.
    return RedisStreamBroker(url=url, queue_name=queue, consumer_id="0")


def _make_broker() -> AsyncBroker:
    settings = job_settings()
    if settings.redis_url:
        return redis_broker(settings.redis_url, settings.jobs_queue)
    # propagate_exceptions=False: a failing job is logged, never raised into a request.
    return InMemoryBroker(propagate_exceptions=False)


broker = _make_broker()


def in_process() -> bool:
    return isinstance(broker, InMemoryBroker)


def after_commit(
    session: AsyncSession, task: AsyncTaskiqDecoratedTask[Any, Any], /, **kwargs: Any
) -> None:
    """Queue ``task`` to be sent when ``session`` commits; dropped if it rolls back."""
    call_after_commit(session, task.task_name, functools.partial(task.kiq, **kwargs))


def call_after_commit(
    session: AsyncSession, what: str, send: Callable[[], Awaitable[object]]
) -> None:
    """Run ``send`` once ``session`` has committed (never if it rolls back): for what must
    not leave the process before the facts it tells are in the database, like a job or an
    event on the live channel. ``what`` names it in the log if it fails."""
    session.info.setdefault(_PENDING, []).append((what, send))


def discard_pending(session: AsyncSession) -> None:
    session.info.pop(_PENDING, None)


async def dispatch_pending(session: AsyncSession) -> None:
    """Send what was queued on ``session``; call right after a successful commit."""
    pending = session.info.pop(_PENDING, [])
    for what, send in pending:
        try:
            await send()
        except Exception:  # the commit stands; a lost job is logged, not a failed request
            log.exception("could not send %s", what)


async def wait_for_jobs() -> None:
    """Wait until this event loop's in-process jobs have finished, and the jobs they queued
    in turn (the tests and the CLI use this)."""
    if not isinstance(broker, InMemoryBroker):
        return
    loop = asyncio.get_running_loop()
    while running := [
        task
        for task in broker._running_tasks  # the broker's own wait_all misses late arrivals
        if not task.done() and task.get_loop() is loop
    ]:
        await asyncio.wait(running)
