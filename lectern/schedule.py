"""Periodic jobs: work that runs every so often (expiring enrollments, closing quiz attempts).

A domain makes a job with the ``periodic`` decorator and lists it in its ``domain.py``::

    @periodic(timedelta(minutes=5), name="learning.expire_enrollments")
    async def expire_enrollments(session: AsyncSession) -> int:
        ...

A job receives the session of its own unit of work (``db.unit_of_work``): it commits when
the job returns, then the jobs it queued are sent; it rolls back when the job raises. A job
must be safe to run twice and from two processes at once (a conditional UPDATE is):
several API processes may each run the schedule.

Who runs the schedule:
- embedded (no ``LECTERN_REDIS_URL``): ``lectern serve`` runs it in the app's lifespan, a
  background loop in the event loop, unless ``LECTERN_SCHEDULER=off`` (the tests turn it off);
- with Redis: run one ``lectern scheduler`` process next to the workers (``--once`` runs the
  due jobs once and exits, for cron).

Each process runs every job once when it starts, then every ``every``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lectern.db import unit_of_work

log = logging.getLogger("lectern.schedule")

JobFunction = Callable[[AsyncSession], Awaitable[Any]]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    function: JobFunction

    async def __call__(self, session: AsyncSession) -> Any:
        return await self.function(session)


def periodic(every: timedelta, *, name: str) -> Callable[[JobFunction], PeriodicJob]:
    """Make the decorated ``async def job(session)`` a job to run every ``every``."""
    if every <= timedelta(0):
        raise ValueError("a periodic job needs a positive interval")

    def make(function: JobFunction) -> PeriodicJob:
        return PeriodicJob(name, every, function)

    return make


async def run_job(sessions: async_sessionmaker[AsyncSession], job: PeriodicJob) -> Any:
    """Run one job in its own unit of work; what it returns (a count, say) is returned."""
    async with unit_of_work(sessions) as session:
        return await job.function(session)


class Scheduler:
    """Runs the registered jobs when they are due (in-memory times: one per process)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        jobs: Mapping[str, PeriodicJob],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.jobs = dict(jobs)
        self.clock = clock
        self.last_run: dict[str, float] = {}

    def due(self) -> list[PeriodicJob]:
        now = self.clock()
        return [
            job
            for job in self.jobs.values()
            if job.name not in self.last_run
            or now - self.last_run[job.name] >= job.every.total_seconds()
        ]

    async def run_due(self) -> list[str]:
        """Run the jobs that are due; a failing job is logged and retried at its next turn."""
        ran = []
        for job in self.due():
            self.last_run[job.name] = self.clock()
            try:
                result = await run_job(self.sessions, job)
            except Exception:
                log.exception("periodic job %s failed", job.name)
                continue
            log.info("periodic job %s ran", job.name, extra={"result": repr(result)})
            ran.append(job.name)
        return ran

    async def run_forever(self, stop: asyncio.Event, tick: float = 30.0) -> None:
        """Run due jobs every ``tick`` seconds until ``stop`` is set."""
        while not stop.is_set():
            await self.run_due()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick)
