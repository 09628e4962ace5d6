"""The growth benchmark (bench/growth.py) runs end to end on two tiny generated platforms, so
that it cannot rot: scale data, subjects picked from it, a real uvicorn server."""

from __future__ import annotations

import asyncio

import pytest

from bench.endpoints import ENDPOINTS, Options
from bench.growth import run
from lectern.seed.scale import Plan
from tests.dbs import SERVER_URL, on_postgresql

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="the benchmark runs on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)


def test_every_endpoint_is_measured_on_every_size() -> None:
    options = Options(
        server=SERVER_URL,
        workers=1,
        concurrency=2,
        requests=12,
        login_requests=2,
        floor=False,
        timeout=10,
    )
    plans = {
        "tiny": Plan.custom(40, courses=6, enrollments=120, progress=600),
        "bigger": Plan.custom(80, courses=12, enrollments=240, progress=1200),
    }
    # Two rounds: the second enrolls newcomers of its own and plays new heartbeats.
    growth = asyncio.run(run(options, plans, rounds=2))

    assert growth.sizes == ["tiny", "bigger"]
    for size in plans:
        assert len(growth.rounds[size]) == 2
        for by_endpoint in growth.rounds[size]:
            for endpoint in ENDPOINTS:
                stats = by_endpoint[endpoint]
                expected = 2 if endpoint == "login" else 12
                assert (stats.requests, stats.errors) == (expected, 0), (
                    size,
                    endpoint,
                    stats.statuses,
                )
        assert growth.seed_seconds[size] > 0
    for endpoint in ENDPOINTS:
        assert growth.growth(endpoint) is not None
        assert len(growth.round_growths(endpoint)) == 2
    table = growth.table()
    assert "| endpoint | tiny p50 ms | bigger p50 ms | p50 growth tiny → bigger |" in table
    assert table.count("\n") == len(ENDPOINTS) + 1
