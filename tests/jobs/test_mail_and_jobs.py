"""E-mail templates and delivery, jobs sent only after commit, and the Redis worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from lectern import jobs
from lectern.db import SessionDep
from lectern.errors import Conflict, install_error_handlers
from lectern.kit.routing import OpeningRoute
from lectern.mail.sending import deliver, render
from lectern.mail.tasks import send_email
from tests.mailbox import Mailbox, body_text, links

CONTEXT = {
    "name": "Ada <b>",
    "link": "http://localhost:8000/verify-email?token=abc",
    "hours": 48,
    "site_url": "http://localhost:8000",
}


def test_templates_render_text_and_escaped_html() -> None:
    message = render("verify_email", {**CONTEXT, "to": "ada@example.com"})
    assert message["Subject"] == "Confirm your e-mail address"
    assert message["To"] == "ada@example.com"
    assert "http://localhost:8000/verify-email?token=abc" in body_text(message)
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert "Ada &lt;b&gt;" in str(html.get_content())


def test_a_missing_template_variable_is_an_error() -> None:
    with pytest.raises(Exception, match="hours"):
        render("verify_email", {"name": "x", "link": "y", "site_url": "z", "to": "a@example.com"})


async def test_without_smtp_mail_is_written_to_the_folder(mail_dir: Path) -> None:
    await deliver(render("password_changed", {**CONTEXT, "to": "ada@example.com"}))
    files = list(mail_dir.iterdir())  # the message only, no partial file left behind
    assert [path.suffix for path in files] == [".eml"]
    assert b"Your password was changed" in files[0].read_bytes()


async def test_smtp_delivery_reaches_the_server(mailbox: Mailbox) -> None:
    await deliver(render("reset_password", {**CONTEXT, "minutes": 60, "to": "bob@example.com"}))
    [message] = await mailbox.wait(1)
    assert message["Subject"] == "Reset your password"
    assert links(message) == ["http://localhost:8000/verify-email?token=abc"]


@pytest.fixture
async def unit_of_work_app(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A tiny app whose route queues an e-mail and then succeeds or fails."""
    app = FastAPI()
    app.router.route_class = OpeningRoute
    install_error_handlers(app)
    app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)

    @app.post("/mail")
    async def queue_mail(session: SessionDep, fail: bool = False) -> dict[str, str]:
        jobs.after_commit(
            session,
            send_email,
            to="carol@example.com",
            template="password_changed",
            context=CONTEXT,
        )
        if fail:
            raise Conflict("refused after queueing")
        return {"status": "queued"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_jobs_are_sent_only_after_the_commit(
    unit_of_work_app: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    refused = await unit_of_work_app.post("/mail", params={"fail": "true"})
    assert refused.status_code == 409
    await jobs.wait_for_jobs()
    await asyncio.sleep(0.05)
    assert mailbox.messages == []
    accepted = await unit_of_work_app.post("/mail")
    assert accepted.status_code == 200
    [message] = await mailbox.wait(1)
    assert message["To"] == "carol@example.com"


def _redis_url() -> str:
    return os.environ.get("LECTERN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_a_worker_runs_jobs_from_redis(tmp_path: Path) -> None:
    """The production path: a job sent to Redis is run by a separate `lectern worker`."""
    # A stream of its own: another test run on the same Redis does not take this one's job.
    queue = f"lectern:test-jobs:{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "LECTERN_REDIS_URL": _redis_url(),
        "LECTERN_JOBS_QUEUE": queue,
        "LECTERN_MAIL_DIR": str(tmp_path),
    }
    env.pop("LECTERN_SMTP_HOST", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "lectern.cli", "worker", "--processes", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the stop below reaches its children
    )
    # Start from an empty stream, as a new deployment would.
    redis = Redis.from_url(_redis_url())
    await redis.delete(queue)
    await redis.aclose()
    sender = jobs.redis_broker(_redis_url(), queue)
    remote_send = sender.register_task(send_email.original_func, task_name="lectern.mail.send")
    try:
        await sender.startup()
        await remote_send.kiq(to="dan@example.com", template="password_changed", context=CONTEXT)
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("*.eml")):
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker did not run the job within 30 s"
            await asyncio.sleep(0.2)
        [mail] = list(tmp_path.glob("*.eml"))
        assert b"dan@example.com" in mail.read_bytes()
    finally:
        await sender.shutdown()
        redis = Redis.from_url(_redis_url())
        await redis.delete(queue)
        await redis.aclose()
        os.killpg(worker.pid, signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def test_worker_needs_redis() -> None:
    from typer.testing import CliRunner

    from lectern.cli import app

    result = CliRunner().invoke(app, ["worker"], env={"LECTERN_REDIS_URL": ""})
    assert result.exit_code == 1
    assert "LECTERN_REDIS_URL" in result.output
