"""What the benchmarks share: a throwaway PostgreSQL database, a uvicorn server on loopback,
a bounded load driver, latency percentiles and markdown tables.

A benchmark makes its database with :func:`database` (created, migrated, dropped after),
seeds it, serves an ASGI app with :func:`serve` (N uvicorn workers, rate limiting off, a
signing key shared with the driver) and sends a bounded number of requests with
:func:`drive` (``concurrency`` asyncio tasks over one httpx client), which measures each.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from lectern import migrate
from lectern.config import AuthSettings
from lectern.db import async_url

# A fixed argon2 hash for accounts nobody signs in to (tokens are issued directly).
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"  # noqa: S105
ROOT = Path(__file__).resolve().parent.parent
# The server and the driver share a signing key made for the run.
JWT_KEY = secrets.token_urlsafe(32)
AUTH = AuthSettings(jwt_keys={"bench": JWT_KEY}, access_token_minutes=60)
LECTERN_APP = "lectern.app:create_app"


# -- the database -----------------------------------------------------------------------------


def on_server(server: str, database: str) -> URL:
    return async_url(make_url(server).set(database=database))


async def admin(server: str, statement: str) -> None:
    await _outside_a_transaction(on_server(server, "postgres"), statement)


async def _outside_a_transaction(url: URL, statement: str) -> None:
    """Run ``statement`` on the database ``url`` in autocommit (CREATE DATABASE, VACUUM)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def database(server: str, existing: str | None = None) -> AsyncIterator[URL]:
    """A migrated database: ``existing`` (an empty database, left in place) or a throwaway
    ``lectern_bench_<random>`` on ``server``, dropped at the end."""
    if existing is not None:
        url = async_url(make_url(existing))
    else:
        name = f"lectern_bench_{uuid.uuid4().hex[:12]}"
        await admin(server, f'CREATE DATABASE "{name}"')
        url = on_server(server, name)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        yield url
    finally:
        if existing is None:
            await admin(server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


async def vacuum(url: URL) -> None:
    """VACUUM the database: the dead row versions a measurement's writes left behind (a
    heartbeat updates its enrollment and upserts its watch history every beat) are gone
    before the next one, as autovacuum clears them on a live platform. Where autovacuum
    is off (CI's server, this project's benchmark machine), they pile up over a run: each
    measurement would read and write through what the ones before it left, which depends
    on the order of the run, not on the target measured."""
    await _outside_a_transaction(url, "VACUUM")


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: URL, pool: int | None = None) -> dict[str, str]:
    """The environment a benchmark's server runs in: its database, the run's signing key,
    no rate limits (the load comes from one address), no scheduler; with ``pool``, a
    worker's connection pool holds that many connections and opens no more.

    A pool smaller than the requests a worker has in flight closes the connections it
    opened beyond its size as they come back, and opens new ones for the next requests: a
    benchmark sizes it for its load, as a deployment does (README, LECTERN_DATABASE_POOL_SIZE).
    """
    env = {
        **os.environ,
        "LECTERN_DATABASE_URL": url.render_as_string(hide_password=False),
        "LECTERN_RATE_LIMIT_ENABLED": "false",
        "LECTERN_LOG_LEVEL": "WARNING",
        "LECTERN_SCHEDULER": "off",
        "LECTERN_JWT_KEYS": json.dumps({"bench": JWT_KEY}),
    }
    if pool is not None:
        env["LECTERN_DATABASE_POOL_SIZE"] = str(pool)
        env["LECTERN_DATABASE_MAX_OVERFLOW"] = "0"
    return env


async def in_server_env(module: str, url: URL, asked: Any, *args: str) -> Any:
    """``python -m module *args`` in the environment the servers run in (their settings),
    given ``asked`` as JSON on stdin; what it prints, read as JSON."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
        env=server_env(url),
    )  # fmt: skip
    out, _ = await process.communicate(json.dumps(asked).encode())
    if process.returncode != 0:
        raise RuntimeError(f"{module} failed (its error is above)")
    return json.loads(out)


def start_server(
    url: URL,
    workers: int,
    port: int,
    app: str = LECTERN_APP,
    factory: bool = True,
    pool: int | None = None,
) -> subprocess.Popen[bytes]:
    env = server_env(url, pool)
    command = [
        sys.executable, "-m", "uvicorn", app, *(["--factory"] if factory else []),
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
        # Longer than the driver's idle connections live (httpx: 5 s), so the server never
        # closes a connection the driver is about to reuse (a ReadError, not a Lectern error).
        "--timeout-keep-alive", "30",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603


async def wait_until_up(
    base_url: str, process: subprocess.Popen[bytes], within: float, path: str = "/health/live"
) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                if (await client.get(f"{base_url}{path}")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            await asyncio.sleep(0.1)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # uvicorn and its workers: our own group
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, and the CPU time its processes have used."""

    base_url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float | None:
        """User and system CPU time of the server's processes (uvicorn and its workers: the
        process group it leads); None where /proc is not there to read it."""
        return group_cpu_seconds(self.process.pid)


def group_cpu_seconds(group: int) -> float | None:
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # After the ")" closing the command name: state ppid pgrp ... utime stime.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def serve(
    url: URL, workers: int, app: str = LECTERN_APP, factory: bool = True, pool: int | None = None
) -> AsyncIterator[Server]:
    """``app`` served by uvicorn on a free loopback port until the block ends (``pool``:
    see :func:`server_env`)."""
    port = free_port()
    process = start_server(url, workers, port, app, factory, pool)
    try:
        base_url = f"http://127.0.0.1:{port}"
        await wait_until_up(base_url, process, within=60)
        yield Server(base_url, process)
    finally:
        stop_server(process)


# -- the load ---------------------------------------------------------------------------------


@dataclass
class Stats:
    """The measured requests of one run."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: dict[int, int]
    server_cpu_seconds: float | None = None  # the server's CPU time over the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        """The server's CPU time per request: what a request costs, however busy the
        machine (the driver and the database share it)."""
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds * 1000 / self.requests

    def percentile(self, share: float) -> float:
        return percentile(self.latencies_ms, share)


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# send(client, task, n): the n-th request (0-based, over the whole run) of task ``task``.
Send = Callable[[httpx.AsyncClient, int, int], Awaitable[httpx.Response]]


async def drive(
    base_url: str,
    send: Send,
    *,
    concurrency: int,
    requests: int,
    ok: Collection[int] = (200,),
    warmup: bool = False,
    request_timeout: float = 30.0,
) -> Stats:
    """``concurrency`` tasks sending requests with ``send`` until ``requests`` were sent.
    With ``warmup``, each task first sends one request that is not measured (its ``n`` is
    negative: ``-1 - task``). A status outside ``ok`` or a transport failure is an error."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures: list[str] = []  # the first few failed answers, to print
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=request_timeout
    ) as client:

        async def one(task: int, n: int) -> int:
            try:
                response = await send(client, task, n)
            except httpx.TransportError as exc:
                if len(failures) < 5:
                    failures.append(f"transport: {exc!r}")
                return 0  # the connection failed: counted as an error
            if response.status_code not in ok and len(failures) < 5:
                failures.append(f"{response.status_code}: {response.text[:300]}")
            return response.status_code

        async def worker(task: int) -> None:
            nonlocal sent
            while sent < requests:
                n = sent
                sent += 1
                started = time.perf_counter()
                status = await one(task, n)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

        if warmup:
            await asyncio.gather(*(one(task, -1 - task) for task in range(concurrency)))
        started = time.perf_counter()
        await asyncio.gather(*(worker(task) for task in range(concurrency)))
        seconds = time.perf_counter() - started
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    errors = sum(count for status, count in statuses.items() if status not in ok)
    return Stats(len(latencies), errors, seconds, latencies, statuses)


# -- the report -------------------------------------------------------------------------------


def markdown(header: Sequence[str], rows: Sequence[Sequence[object]], left: int = 0) -> str:
    """A markdown table; the first ``left`` columns are left-aligned, the others right."""
    align = ["---" if n < left else "---:" for n in range(len(header))]
    lines = [header, align, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
