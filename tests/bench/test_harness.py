"""The benchmarks' servers: a pool sized for the load, the same for Lectern and the floor."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from bench.endpoints import Options
from bench.harness import server_env

URL = make_url("postgresql+asyncpg://bench@127.0.0.1/bench")


def test_a_worker_pools_one_connection_per_request_in_flight() -> None:
    assert Options(workers=2, connections=32).pool == 16
    assert Options(workers=3, connections=32).pool == 11  # rounded up: none waits
    env = server_env(URL, pool=16)
    assert (env["LECTERN_DATABASE_POOL_SIZE"], env["LECTERN_DATABASE_MAX_OVERFLOW"]) == ("16", "0")
