"""The buying benchmark (bench/commerce.py) runs end to end with a tiny load, so that it
cannot rot: a real uvicorn server on a throwaway PostgreSQL database, every order paid and
the books balanced afterwards."""

from __future__ import annotations

import asyncio

import pytest

from bench.commerce import Options, run
from tests.dbs import Databases, on_postgresql

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="the benchmark runs on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)


def test_the_buying_benchmark_runs_with_a_tiny_load(databases: Databases) -> None:
    url = databases.new()
    options = Options(
        buyers=24,
        courses=3,
        concurrency=4,
        workers=1,
        database_url=url.render_as_string(hide_password=False),
        timeout=20,
        jobs="inline",  # the invoices rendered in the server, as without Redis
    )

    report = asyncio.run(run(options))

    for stats in (report.checkout, report.webhook):
        assert (stats.requests, stats.errors) == (24, 0), stats.statuses
        assert stats.cpu_ms_per_request is not None
        assert stats.cpu_ms_per_request > 0
    assert report.paid == 24
    assert "| checkout |" in report.table()
