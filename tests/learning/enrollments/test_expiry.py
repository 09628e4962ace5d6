"""Expiry: the periodic job, the check on access, and the scheduler that runs periodic jobs."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from lectern import app as app_module
from lectern import registry, schedule
from lectern.cli import app as cli
from lectern.config import job_settings
from lectern.errors import Forbidden
from lectern.kit.types import utcnow
from lectern.learning.access import course_access
from lectern.learning.enrollments.tasks import expire_enrollments
from lectern.models import Course, Enrollment, EnrollmentStatus, User
from tests.factories import create_enrollment, create_user
from tests.learning.enrollments.conftest import fresh
from tests.schema import plain


async def test_the_job_expires_every_live_enrollment_past_its_date(
    db: AsyncSession, student: User, course: Course
) -> None:
    past, future = utcnow() - timedelta(minutes=1), utcnow() + timedelta(days=1)
    people = [await create_user(db) for _ in range(6)]
    due_active = await create_enrollment(db, people[0], course, expires_at=past)
    due_completed = await create_enrollment(
        db, people[1], course, status=EnrollmentStatus.COMPLETED, expires_at=past
    )
    ahead = await create_enrollment(db, people[2], course, expires_at=future)
    lifetime = await create_enrollment(db, people[3], course)
    suspended = await create_enrollment(
        db, people[4], course, status=EnrollmentStatus.SUSPENDED, is_active=False, expires_at=past
    )
    refunded = await create_enrollment(
        db, people[5], course, status=EnrollmentStatus.REFUNDED, is_active=False, expires_at=past
    )

    assert await expire_enrollments(db) == 2
    states = {
        row.id: (row.status, row.is_active)
        for row in [
            await fresh(db, Enrollment, e.id)
            for e in (due_active, due_completed, ahead, lifetime, suspended, refunded)
        ]
    }
    assert states == {
        due_active.id: (EnrollmentStatus.EXPIRED, False),
        due_completed.id: (EnrollmentStatus.EXPIRED, False),
        ahead.id: (EnrollmentStatus.ACTIVE, True),
        lifetime.id: (EnrollmentStatus.ACTIVE, True),
        suspended.id: (EnrollmentStatus.SUSPENDED, False),
        refunded.id: (EnrollmentStatus.REFUNDED, False),
    }
    assert await expire_enrollments(db) == 0  # safe to run twice


async def test_access_turns_a_lapsed_enrollment_expired_and_refuses(
    db: AsyncSession, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(
        db, student, course, expires_at=utcnow() - timedelta(seconds=1)
    )
    access = await course_access(db, student, course)
    with pytest.raises(Forbidden) as refused:
        access.require()
    assert refused.value.code == "enrollment_expired"
    assert refused.value.keep_changes  # the request commits the expiry before answering
    row = await fresh(db, Enrollment, enrollment.id)
    assert (row.status, row.is_active) == (EnrollmentStatus.EXPIRED, False)


async def test_the_job_is_registered() -> None:
    jobs = registry.periodic_jobs()
    job = jobs["learning.expire_enrollments"]
    assert job is expire_enrollments
    assert job.every == timedelta(minutes=5)


# -- the scheduler ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_scheduler_runs_due_jobs_and_survives_failures(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    async def quick(session: AsyncSession) -> int:
        await session.execute(select(1))
        ran.append("quick")
        return 1

    async def slow(session: AsyncSession) -> None:
        ran.append("slow")

    async def broken(session: AsyncSession) -> None:
        ran.append("broken")
        raise RuntimeError("boom")

    jobs = {
        "quick": schedule.PeriodicJob("quick", timedelta(minutes=1), quick),
        "slow": schedule.PeriodicJob("slow", timedelta(hours=1), slow),
        "broken": schedule.PeriodicJob("broken", timedelta(minutes=1), broken),
    }
    clock = Clock()
    runner = schedule.Scheduler(app.state.sessions, jobs, clock=clock)
    with caplog.at_level(logging.ERROR, logger="lectern.schedule"):
        assert await runner.run_due() == ["quick", "slow"]  # everything runs at start
    assert "periodic job broken failed" in caplog.text
    assert await runner.run_due() == []
    clock.now += 61
    assert await runner.run_due() == ["quick"]
    assert ran == ["quick", "slow", "broken", "quick", "broken"]
    clock.now += 3600
    assert sorted(job.name for job in runner.due()) == ["broken", "quick", "slow"]


async def test_the_decorator_makes_a_job(session: AsyncSession) -> None:
    async def job(session: AsyncSession) -> int:
        return 7

    made = schedule.periodic(timedelta(seconds=30), name="tests.job")(job)
    assert (made.name, made.every, made.function) == ("tests.job", timedelta(seconds=30), job)
    assert await made(session) == 7  # still callable as the function it wraps
    with pytest.raises(ValueError, match="positive interval"):
        schedule.periodic(timedelta(0), name="tests.never")


async def test_run_forever_stops_when_told(app: FastAPI) -> None:
    calls: list[int] = []

    async def job(session: AsyncSession) -> None:
        calls.append(1)

    runner = schedule.Scheduler(
        app.state.sessions, {"j": schedule.PeriodicJob("j", timedelta(seconds=1), job)}
    )
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run_forever(stop, tick=0.01))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    assert calls == [1]


async def test_the_app_runs_the_scheduler_only_when_switched_on(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake: Any = SimpleNamespace(state=SimpleNamespace(sessions=app.state.sessions))
    assert job_settings().scheduler is False  # tests/conftest.py turns it off
    assert app_module._start_scheduler(fake) is None

    monkeypatch.setenv("LECTERN_SCHEDULER", "on")
    monkeypatch.setenv("LECTERN_SCHEDULER_TICK_SECONDS", "3600")
    job_settings.cache_clear()
    try:
        started = app_module._start_scheduler(fake)
        assert started is not None
        assert isinstance(fake.state.scheduler, schedule.Scheduler)
        await asyncio.sleep(0.05)  # the first round runs at once
        assert "learning.expire_enrollments" in fake.state.scheduler.last_run
        await asyncio.wait_for(app_module._stop_scheduler(started), timeout=2)
        assert started[1].done()
    finally:
        monkeypatch.undo()
        job_settings.cache_clear()


def test_the_scheduler_command_runs_jobs_once(migrated_db: URL) -> None:
    result = CliRunner().invoke(
        cli, ["scheduler", "--once"], env={"LECTERN_DATABASE_URL": plain(migrated_db)}
    )
    assert result.exit_code == 0, result.output
    assert "learning.expire_enrollments" in result.output
