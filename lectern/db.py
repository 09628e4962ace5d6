"""Engines and sessions: one engine per process, one unit of work per request, job or command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from lectern import jobs
from lectern.config import database_settings
from lectern.errors import ConfigurationError, LecternError
from lectern.kit.prebuilt import (
    UnitOfWorkAsyncSession,
    UnitOfWorkSession,
    commit,
    nothing_to_commit,
    release_held,
    wrote,
)
from lectern.kit.routing import opened_by_route

# Plain schemes people write, mapped to the async driver Lectern runs on.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def async_url(raw: str | URL) -> URL:
    """Parse a database URL and point it at the async driver; a bad URL is a clear error."""
    text = str(raw).strip()
    # SQLAlchemy does not know the "postgres://" spelling that many hosts hand out.
    if text.startswith("postgres://"):
        text = "postgresql://" + text.removeprefix("postgres://")
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigurationError(
            f"invalid database URL {_safe(text)!r}: expected sqlite:///path/to/file.db "
            "or postgresql://user@host/dbname"
        ) from None
    driver = _ASYNC_DRIVERS.get(url.drivername)
    if driver is None:
        raise ConfigurationError(
            f"unsupported database {url.drivername!r} in {_safe(text)!r}: "
            "Lectern runs on sqlite:/// or postgresql://"
        )
    if driver.startswith("postgresql") and not url.database:
        raise ConfigurationError(f"database URL {_safe(text)!r} names no database")
    if driver.startswith("sqlite") and not url.database:
        raise ConfigurationError(
            f"database URL {_safe(text)!r} names no file: use sqlite:///path/to/file.db"
        )
    return url.set(drivername=driver)


def _safe(text: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text.split("@")[-1] if "@" in text else text


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def create_engine(
    raw_url: str | URL | None = None, *, sqlite_foreign_keys: bool = True, **kwargs: Any
) -> AsyncEngine:
    """An async engine for the URL (default: the configured one).

    SQLite connections get foreign keys enforced, a busy timeout so that concurrent
    writers wait instead of failing, and WAL so readers don't block the writer.
    Migrations pass ``sqlite_foreign_keys=False``: Alembic's batch mode rebuilds tables,
    and with enforcement on, dropping the old copy would cascade into child rows.
    """
    settings = database_settings()
    url = async_url(raw_url if raw_url is not None else settings.database_url)
    if is_sqlite(url):
        kwargs.setdefault("connect_args", {"timeout": 30})
    else:
        kwargs.setdefault("pool_size", settings.database_pool_size)
        kwargs.setdefault("max_overflow", settings.database_max_overflow)
        kwargs.setdefault("pool_recycle", settings.database_pool_recycle)
        kwargs.setdefault("pool_pre_ping", settings.database_pool_pre_ping)
    engine = create_async_engine(url, echo=settings.database_echo, **kwargs)
    if is_sqlite(url):
        _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    # The sqlite3 module's own transaction handling skips BEGIN before DDL and breaks
    # SAVEPOINT; taking it over gives SQLite real transactions (SQLAlchemy's recipe).
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # IMMEDIATE: a transaction takes the write lock when it starts, so concurrent writers
    # queue (busy_timeout) instead of failing when one upgrades a read snapshot another
    # has since written past. Races (the last seat, a duplicate enrollment) then resolve
    # in order; SQLite has a single writer anyway.
    # Probes that ask for AUTOCOMMIT (the readiness check) read without a transaction.
    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Units of work on ``engine``: their prebuilt reads and their ORM work share one
    connection (``kit.prebuilt.UnitOfWorkSession``), and a session with nothing open closes
    at once (``kit.prebuilt.UnitOfWorkAsyncSession``)."""
    return async_sessionmaker(
        engine,
        class_=UnitOfWorkAsyncSession,
        expire_on_commit=False,
        autoflush=False,
        sync_session_class=UnitOfWorkSession,
    )


# The sessions of this process's database, for work that runs outside a request (tasks,
# periodic jobs, CLI commands): bound by the app's lifespan, the worker and the CLI.
_bound: async_sessionmaker[AsyncSession] | None = None


def bind_sessions(
    sessions: async_sessionmaker[AsyncSession] | None,
) -> async_sessionmaker[AsyncSession] | None:
    """Make ``sessions`` this process's default for ``unit_of_work()``; returns the previous."""
    global _bound
    previous, _bound = _bound, sessions
    return previous


def bound_sessions() -> async_sessionmaker[AsyncSession]:
    if _bound is None:
        raise RuntimeError("no database is bound in this process (db.bind_sessions)")
    return _bound


@asynccontextmanager
async def unit_of_work(
    sessions: async_sessionmaker[AsyncSession] | None = None,
) -> AsyncIterator[AsyncSession]:
    """One unit of work, the same for a request, a CLI command, a periodic job and a task.

    When the block ends, the session commits and then the jobs queued on it
    (``jobs.after_commit``) are sent (a session that only read outside a transaction has
    nothing to commit and just closes: ``kit.prebuilt.nothing_to_commit``). When it
    raises, everything rolls back and no job is sent, except for a
    ``LecternError(keep_changes=True)``: a refusal that must leave a trace commits (and
    sends its jobs) before it propagates. ``sessions`` defaults to the process's bound ones
    (``bind_sessions``).
    """
    factory = sessions if sessions is not None else bound_sessions()
    async with factory() as session:
        try:
            yield session
            if not nothing_to_commit(session):
                await commit(session)
        except LecternError as error:
            if not error.keep_changes:
                await _abandon(session)
                raise
            await commit(session)
            await jobs.dispatch_pending(session)
            raise
        except BaseException:
            await _abandon(session)
            raise
        await jobs.dispatch_pending(session)


async def release(session: AsyncSession) -> None:
    """Hand the database back (SQLite's write lock, a PostgreSQL connection) before slow work
    that needs none, such as a password hash. Only before the unit of work writes anything:
    it ends the transaction, and what was read in it is read again on its next use."""
    if session.new or session.dirty or session.deleted or wrote(session):
        raise RuntimeError("the unit of work has changes: do the slow work before them")
    await session.rollback()
    await release_held(session)


async def _abandon(session: AsyncSession) -> None:
    jobs.discard_pending(session)
    await session.rollback()


def _request_unit_of_work(request: Request) -> AbstractAsyncContextManager[AsyncSession]:
    return unit_of_work(request.app.state.sessions)


# The request's unit of work: its route opens it around the dependencies and the endpoint
# (kit.routing.OpeningRoute), and commits it before the response is sent, so a failed
# commit is an error response, not a success the database never saw.
get_session = opened_by_route(_request_unit_of_work)
SessionDep = Annotated[AsyncSession, Depends(get_session)]
