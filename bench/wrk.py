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
from dataclasses import dataclass
from pathlib import Path

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


def lua_script(paths: Sequence[str], headers: dict[str, str]) -> str:
    """A wrk script sending GET to each of ``paths`` in turn, with ``headers``."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    header_lines = "\n".join(
        f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in headers.items()
    )
    return f"""{header_lines}
local paths = {{{quoted}}}
local next_path = 0
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
"""


async def run(
    base_url: str,
    paths: Sequence[str],
    *,
    headers: dict[str, str] | None = None,
    seconds: float = 10,
    connections: int = 32,
    threads: int = 1,
) -> WrkRun:
    """Drive ``base_url`` with wrk for ``seconds``; ``paths`` are sent in turn."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(lua_script(paths, headers or {}))
        command = [
            require(), "-t", str(threads), "-c", str(max(connections, threads)),
            "-d", f"{max(1, round(seconds))}s", "--latency", "-s", str(script), base_url,
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
