"""One unit of work everywhere: jobs queued by a periodic job, a CLI command or a task are
sent once it commits, and none when it rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from lectern import jobs, registry, schedule
from lectern.cli import app as cli
from lectern.db import unit_of_work
from lectern.errors import Conflict
from lectern.models import User
from tests.factories import create_user
from tests.schema import plain

sent: list[Any] = []


@jobs.broker.task(task_name="tests.jobs.record")
async def record(value: Any) -> None:
    sent.append(value)


@jobs.broker.task(task_name="tests.jobs.rename")
async def rename(user_id: int, name: str) -> None:
    """A task with its own unit of work (the process's bound sessions) that queues a job."""
    async with unit_of_work() as session:
        (await session.get_one(User, user_id)).name = name
        jobs.after_commit(session, record, value=f"renamed {user_id}")


@pytest.fixture(autouse=True)
def clear_sent() -> Iterator[None]:
    sent.clear()
    yield
    sent.clear()


async def _names(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(User.name).where(User.name.like("uow %"))))


async def test_a_periodic_jobs_queued_job_is_sent_after_it_commits(
    app: FastAPI, db: AsyncSession
) -> None:
    async def job(session: AsyncSession) -> None:
        user = await create_user(session, name="uow periodic")
        jobs.after_commit(session, record, value=user.id)

    runner = schedule.Scheduler(
        app.state.sessions, {"j": schedule.PeriodicJob("j", timedelta(minutes=1), job)}
    )
    assert await runner.run_due() == ["j"]
    await jobs.wait_for_jobs()
    user_id = await db.scalar(select(User.id).where(User.name == "uow periodic"))
    assert user_id is not None
    assert sent == [user_id]


async def test_a_failing_periodic_job_rolls_back_and_sends_nothing(
    app: FastAPI, db: AsyncSession
) -> None:
    async def job(session: AsyncSession) -> None:
        user = await create_user(session, name="uow failing")
        jobs.after_commit(session, record, value=user.id)
        raise RuntimeError("boom")

    runner = schedule.Scheduler(
        app.state.sessions, {"j": schedule.PeriodicJob("j", timedelta(minutes=1), job)}
    )
    assert await runner.run_due() == []
    await jobs.wait_for_jobs()
    assert sent == []
    assert await _names(db) == []


async def test_a_task_runs_in_its_own_unit_of_work_and_its_jobs_follow(
    app: FastAPI, db: AsyncSession
) -> None:
    user = await create_user(db, name="uow before")
    await db.commit()
    async with unit_of_work(app.state.sessions) as session:
        jobs.after_commit(session, rename, user_id=user.id, name="uow after")
    await jobs.wait_for_jobs()  # the task, then the job it queued
    assert await _names(db) == ["uow after"]
    assert sent == [f"renamed {user.id}"]


async def _refuse(app: FastAPI, name: str, *, keep_changes: bool) -> None:
    async with unit_of_work(app.state.sessions) as session:
        await create_user(session, name=f"uow {name}")
        jobs.after_commit(session, record, value=name)
        raise Conflict("refused", keep_changes=keep_changes)


async def test_a_kept_refusal_commits_and_sends_an_ordinary_one_does_not(
    app: FastAPI, db: AsyncSession
) -> None:
    with pytest.raises(Conflict):
        await _refuse(app, "kept", keep_changes=True)
    with pytest.raises(Conflict):
        await _refuse(app, "dropped", keep_changes=False)
    await jobs.wait_for_jobs()
    assert sent == ["kept"]
    assert await _names(db) == ["uow kept"]


def test_a_cli_commands_queued_job_is_sent_before_it_exits(
    migrated_db: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lectern scheduler --once` runs the periodic jobs in units of work of its own process:
    what they queue is sent (and run, in-process) before the command returns."""

    async def job(session: AsyncSession) -> None:
        jobs.after_commit(session, record, value="from the command")

    async def broken(session: AsyncSession) -> None:
        jobs.after_commit(session, record, value="never")
        raise RuntimeError("boom")

    planted = {
        "tests.queue": schedule.PeriodicJob("tests.queue", timedelta(minutes=1), job),
        "tests.broken": schedule.PeriodicJob("tests.broken", timedelta(minutes=1), broken),
    }
    monkeypatch.setattr(registry, "periodic_jobs", lambda: planted)
    result = CliRunner().invoke(
        cli, ["scheduler", "--once"], env={"LECTERN_DATABASE_URL": plain(migrated_db)}
    )
    assert result.exit_code == 0, result.output
    assert "tests.queue" in result.output
    assert sent == ["from the command"]
