"""wrk, the native load generator the benchmarks drive their servers with.

A run is wrk with a Lua script that rotates over the benchmark's paths and sends its
headers (the bearer token), pinned with taskset to a core of its own where the machine has
more than one (the servers keep the others), for a fixed time; its report is read back into
numbers: requests, requests per second, latency percentiles, and the answers that were not
2xx/3xx or failed. ``.ci/system-packages`` installs wrk from Debian's packages; where it is
missing, ``require`` says so plainly.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.harness import Server

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkRun:
    """What one wrk run measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    bad_statuses: int  # answers that were not 2xx or 3xx
    socket_errors: int  # connect, read, write, timeout

    @property
    def errors(self) -> int:
        return self.bad_statuses + self.socket_errors


def find() -> str | None:
    return shutil.which("wrk")


def require() -> str:
    """wrk's path, or an error that says how to get it."""
    found = find()
    if found is None:
        raise RuntimeError(
            "the benchmarks drive load with wrk, which is not installed: run "
            "`make system-packages` (Debian) or install wrk yourself"
        )
    return found


def generator_core() -> int | None:
    """The core wrk runs on (the last one), when there is one to spare for it."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    return cores[-1] if len(cores) > 1 and shutil.which("taskset") else None


@dataclass(frozen=True)
class Request:
    """One request of a benchmark's rotation. A body may hold ``{seq}`` and ``{seconds}``:
    each time this request is sent, ``{seq}`` is the count of its sendings (1, 2, ...) and
    ``{seconds}`` five seconds a beat up to ``seconds_cap`` (a player's heartbeat)."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    seconds_cap: int = 600


def _lua(text: str) -> str:
    """A Lua string literal: JSON's escapes but ``\\uXXXX``, which Lua does not read (other
    characters go as UTF-8)."""
    return json.dumps(text, ensure_ascii=False)


def lua_script(requests: Sequence[Request]) -> str:
    """A wrk script sending ``requests`` in turn. Fixed requests are formatted once, when
    the thread starts; the others (a ``{seq}`` in the body) each time they are sent."""
    entries = []
    for request in requests:
        headers = ", ".join(
            f"[{_lua(name)}] = {_lua(value)}" for name, value in request.headers.items()
        )
        body = "nil" if request.body is None else _lua(request.body)
        entries.append(
            f"{{method = {_lua(request.method)}, path = {_lua(request.path)}, "
            f"headers = {{{headers}}}, body = {body}, cap = {request.seconds_cap}}}"
        )
    listed = ",\n  ".join(entries)
    return f"""local requests = {{
  {listed}
}}
local formatted = {{}}
local sent = {{}}
local turn = 0

init = function(args)
  for i, r in ipairs(requests) do
    sent[i] = 0
    if r.body == nil or not string.find(r.body, "{{seq}}", 1, true) then
      formatted[i] = wrk.format(r.method, r.path, r.headers, r.body)
    end
  end
end

request = function()
  turn = turn % #requests + 1
  local ready = formatted[turn]
  if ready ~= nil then
    return ready
  end
  local r = requests[turn]
  sent[turn] = sent[turn] + 1
  local body = string.gsub(r.body, "{{seq}}", tostring(sent[turn]))
  body = string.gsub(body, "{{seconds}}", tostring(math.min(r.cap, sent[turn] * 5)))
  return wrk.format(r.method, r.path, r.headers, body)
end
"""


async def run(
    base_url: str,
    requests: Sequence[Request | str],
    *,
    headers: dict[str, str] | None = None,
    seconds: float = 10,
    connections: int = 32,
    threads: int = 1,
) -> WrkRun:
    """Drive ``base_url`` with wrk for ``seconds``; ``requests`` (or plain paths, sent with
    ``headers``) are sent in turn."""
    listed = [
        request if isinstance(request, Request) else Request(request, headers=headers or {})
        for request in requests
    ]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "requests.lua"
        script.write_text(lua_script(listed))
        command = [
            require(), "-t", str(threads), "-c", str(max(connections, threads)),
            "-d", f"{max(1, round(seconds))}s", "--timeout", "10s", "--latency",
            "-s", str(script), base_url,
        ]  # fmt: skip
        core = generator_core()
        if core is not None:
            command = ["taskset", "-c", str(core), *command]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed: {err.decode(errors='replace').strip()}")
    return parse(out.decode())


def _ms(amount: str, unit: str) -> float:
    return float(amount) * _UNITS[unit]


def parse(report: str) -> WrkRun:
    """A wrk report (with ``--latency``) read into numbers."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", report)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if total is None or rate is None:
        raise ValueError(f"not a wrk report: {report[:200]!r}")
    percentiles = {
        int(share): _ms(amount, unit)
        for share, amount, unit in re.findall(
            r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", report, re.MULTILINE
        )
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    return WrkRun(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rate.group(1)),
        p50_ms=percentiles.get(50, 0.0),
        p99_ms=percentiles.get(99, 0.0),
        bad_statuses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


async def bare_hello(seconds: float = 5, connections: int = 32) -> WrkRun:
    """wrk against the bare ASGI hello (``bench/hello.py``, one uvicorn worker): what the
    generator reaches when the server does nothing. A benchmark whose endpoints come near
    it measures the generator, not the server."""
    from sqlalchemy.engine import make_url

    from bench.harness import serve

    # The hello touches no database; the server's settings still name one.
    async with serve(make_url("sqlite://"), 1, app="bench.hello:app", factory=False) as server:
        return await run(server.base_url, ["/"], seconds=seconds, connections=connections)


@dataclass(frozen=True)
class Measured:
    """A wrk run against a server, with the CPU time the server's processes spent on it."""

    run: WrkRun
    server_cpu_seconds: float | None

    @property
    def requests(self) -> int:
        return self.run.requests

    @property
    def errors(self) -> int:
        return self.run.errors

    @property
    def rps(self) -> float:
        return self.run.rps

    @property
    def p50_ms(self) -> float:
        return self.run.p50_ms

    @property
    def p99_ms(self) -> float:
        return self.run.p99_ms

    @property
    def cpu_ms_per_request(self) -> float | None:
        """What a request costs the server, however busy the machine is otherwise."""
        if self.server_cpu_seconds is None or not self.run.requests:
            return None
        return self.server_cpu_seconds * 1000 / self.run.requests


async def measure(
    server: Server, requests: Sequence[Request], *, seconds: float, connections: int
) -> Measured:
    """wrk against ``server`` for ``seconds``, with the server's CPU time over the run."""
    before = server.cpu_seconds()
    run_ = await run(server.base_url, requests, seconds=seconds, connections=connections)
    after = server.cpu_seconds()
    spent = after - before if before is not None and after is not None else None
    return Measured(run_, spent)
