"""The heartbeat benchmark (bench/heartbeat.py) runs end to end with a tiny load, so that
it cannot rot: a real uvicorn server on a throwaway PostgreSQL database."""

from __future__ import annotations

import asyncio

import pytest

from bench.heartbeat import Options, run
from tests.dbs import Databases, on_postgresql

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="the benchmark runs on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)


def test_the_benchmark_runs_with_a_tiny_load(databases: Databases) -> None:
    url = databases.new()
    options = Options(
        players=4,
        requests=40,
        workers=1,
        lessons=2,
        database_url=url.render_as_string(hide_password=False),
        timeout=10,
    )
    result = asyncio.run(run(options))
    assert (result.requests, result.errors) == (40, 0), result.statuses
    assert result.rps > 0
    table = result.table()
    assert "| 1 | 4 | 40 | 0 |" in table
    assert result.percentile(0.5) <= result.percentile(0.99)
