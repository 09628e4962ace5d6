"""Shared fixtures: throwaway databases built by the migrations, sessions, the app."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lectern import jobs, migrate, registry
from lectern.app import create_app
from lectern.config import (
    database_settings,
    job_settings,
    mail_settings,
    rate_limit_settings,
    storage_settings,
)
from lectern.db import bind_sessions, create_engine, session_factory
from lectern.kit.ratelimit import RateLimiter
from lectern.kit.storage import storage
from lectern.models import Course, CourseStatus, Enrollment, User, UserRole
from lectern.security.tokens import issue_access_token
from tests.dbs import Databases
from tests.factories import PASSWORD_HASH
from tests.mailbox import Mailbox

SCRATCH = pytest.StashKey[Path]()


def pytest_unconfigure(config: pytest.Config) -> None:
    scratch = config.stash.get(SCRATCH, None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    # The app's periodic-job loop (lectern/schedule.py) stays off: tests run jobs directly.
    os.environ.setdefault("LECTERN_SCHEDULER", "off")
    # Small pools, so the PostgreSQL suite holds a bounded number of connections (CI runs it
    # as a role limited to 10 connections, .ci/run); the servers benchmark tests start inherit it.
    os.environ.setdefault("LECTERN_DATABASE_POOL_SIZE", "3")
    os.environ.setdefault("LECTERN_DATABASE_MAX_OVERFLOW", "3")
    # Files and mail the app writes outside a test that gives it a folder of its own (the
    # demo seeded by a module's fixture, the CLI's subprocesses) go to a throwaway folder,
    # never into the checkout's ./storage.
    scratch = Path(tempfile.mkdtemp(prefix="lectern-tests-"))
    config.stash[SCRATCH] = scratch
    os.environ["LECTERN_STORAGE_DIR"] = str(scratch / "files")
    os.environ.setdefault("LECTERN_MAIL_DIR", str(scratch / "mail"))
    job_settings.cache_clear()
    database_settings.cache_clear()
    storage_settings.cache_clear()
    mail_settings.cache_clear()
    storage.cache_clear()
    registry.load()  # the domains' event subscribers, as every entry point loads them


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(Path(tmp_path_factory.mktemp("databases")))
    yield dbs
    dbs.drop_all()


@pytest.fixture
def empty_db(databases: Databases) -> URL:
    """A new database with no tables."""
    return databases.new()


@pytest.fixture(scope="session")
def migrated_db(databases: Databases) -> URL:
    """One database per test session, migrated to head. Tests on it roll back their writes."""
    url = databases.new()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
async def engine(migrated_db: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_db)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose work is rolled back at the end of the test."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        factory = session_factory(engine)
        async with factory(bind=conn, join_transaction_mode="create_savepoint") as session:
            yield session
        await transaction.rollback()


# -- the HTTP API ------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def shared_app(engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    """One app for the whole session: building the routes is the costly part."""
    application = create_app(engine)
    async with application.router.lifespan_context(application):
        yield application


class OneAtATime:
    """Sessions on the test's one connection for the jobs' units of work, one at a time: the
    jobs one request queued run at once in-process (an invoice and its receipt, say), and two
    sessions on one connection would interleave their savepoints. In production each has a
    connection of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        async with self.lock, self.sessions() as session:
            yield session


@pytest.fixture
async def app(shared_app: FastAPI, engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    """The app on the test database, inside a transaction rolled back after the test:
    every request's commit only releases a savepoint. Rate limits start afresh."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        shared_app.state.sessions = async_sessionmaker(
            bind=conn,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        shared_app.state.rate_limiter = RateLimiter(rate_limit_settings())
        previous = bind_sessions(OneAtATime(shared_app.state.sessions))  # type: ignore[arg-type]
        try:
            yield shared_app
            await jobs.wait_for_jobs()
        finally:
            bind_sessions(previous)
            shared_app.state.sessions = session_factory(engine)
            await outer.rollback()


async def _jobs_done(_response: httpx.Response) -> None:
    await jobs.wait_for_jobs()


def app_client(app: FastAPI, address: tuple[str, int] = ("127.0.0.1", 123)) -> httpx.AsyncClient:
    """A client of ``app`` calling from ``address``. The jobs a request queued have run when
    its response is read (in production they run afterwards): tests see their effects, and no
    job shares the test's database connection with the test's next statement."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=address),
        base_url="http://lectern.test",
        event_hooks={"response": [_jobs_done]},
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app's client (see ``app_client``)."""
    async with app_client(app) as client:
        yield client


@pytest.fixture
async def db(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session on the same connection as the app's requests: sees and adds the same rows."""
    async with app.state.sessions() as session:
        yield session


class Live:
    """The app committing for real, for races between parallel requests (the usual ``app``
    runs every request on one connection, so requests cannot overlap).

    ``db`` commits too; rows a test adds with ``add`` are deleted after it (children go
    with them by their ON DELETE CASCADE keys), in reverse order.
    """

    def __init__(self, app: FastAPI, engine: AsyncEngine) -> None:
        self.app = app
        self.sessions = session_factory(engine)
        self._rows: list[Any] = []
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://lectern.test"
        )

    async def add(self, *rows: object) -> None:
        """Commit ``rows`` (ORM objects) and delete them after the test."""
        async with self.sessions() as session:
            session.add_all(rows)
            await session.commit()
        self._rows.extend(rows)

    async def school(self, learners: int, **enrollment: Any) -> tuple[User, Course, list[User]]:
        """A published course, its instructor and ``learners`` enrolled in it (each
        enrollment with ``enrollment``'s values), committed, for racing requests."""
        n = uuid.uuid4().hex[:8]
        teacher = User(
            name="Teacher",
            username=f"t{n}",
            email=f"t{n}@x.test",
            password_hash=PASSWORD_HASH,
            role=UserRole.INSTRUCTOR,
        )
        students = [
            User(
                name=f"Learner {i}",
                username=f"l{i}{n}",
                email=f"l{i}{n}@x.test",
                password_hash=PASSWORD_HASH,
            )
            for i in range(learners)
        ]
        await self.add(teacher, *students)
        course = Course(
            instructor_id=teacher.id,
            title="Race",
            slug=f"race-{n}",
            status=CourseStatus.PUBLISHED,
            is_published=True,
            is_approved=True,
        )
        await self.add(course)
        await self.add(
            *(Enrollment(user_id=s.id, course_id=course.id, **enrollment) for s in students)
        )
        return teacher, course, students

    async def cleanup(self) -> None:
        await jobs.wait_for_jobs()
        async with self.sessions() as session:
            for row in reversed(self._rows):
                model: Any = type(row)
                await session.execute(delete(model).where(model.id == row.id))
            await session.commit()


@pytest.fixture
async def live(shared_app: FastAPI, engine: AsyncEngine) -> AsyncIterator[Live]:
    previous = shared_app.state.sessions
    live = Live(shared_app, engine)
    shared_app.state.sessions = live.sessions
    shared_app.state.rate_limiter = RateLimiter(rate_limit_settings())
    bound = bind_sessions(live.sessions)
    try:
        yield live
    finally:
        await live.client.aclose()
        bind_sessions(bound)
        shared_app.state.sessions = previous
        await live.cleanup()


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Stored files (uploads, resources, submissions) land in a fresh folder per test, not
    ./storage. Test packages that store files use it for every test (autouse there)."""
    folder = tmp_path / "files"
    monkeypatch.setenv("LECTERN_STORAGE_DIR", str(folder))
    storage_settings.cache_clear()
    storage.cache_clear()
    yield folder
    storage_settings.cache_clear()
    storage.cache_clear()


@pytest.fixture
def mail_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Without an SMTP host, mail lands here as .eml files."""
    folder = tmp_path / "mail"
    monkeypatch.setenv("LECTERN_MAIL_DIR", str(folder))
    monkeypatch.delenv("LECTERN_SMTP_HOST", raising=False)
    mail_settings.cache_clear()
    yield folder
    mail_settings.cache_clear()


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """A real SMTP server on loopback; what the app sends arrives in ``mailbox.messages``."""
    box = Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LECTERN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LECTERN_SMTP_PORT", str(port))
    mail_settings.cache_clear()
    yield box
    controller.stop()
    mail_settings.cache_clear()


def bearer(user: User) -> dict[str, str]:
    """Authorization headers with a fresh access token for ``user``."""
    token, _ = issue_access_token(user.uuid, user.role.value)
    return {"Authorization": f"Bearer {token}"}
