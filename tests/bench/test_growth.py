"""The growth benchmark (bench/growth.py) runs end to end on two tiny generated platforms, so
that it cannot rot: scale data, subjects picked from it, a real uvicorn server."""

from __future__ import annotations

import asyncio

import pytest

from bench import wrk
from bench.endpoints import ENDPOINTS, Options
from bench.growth import run
from lectern.seed.scale import Plan
from tests.dbs import SERVER_URL, on_postgresql

pytestmark = [
    pytest.mark.skipif(
        not on_postgresql(), reason="the benchmark runs on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
    ),
    pytest.mark.skipif(wrk.find() is None, reason="wrk is installed by .ci/system-packages"),
]


def test_every_endpoint_is_measured_on_every_size() -> None:
    options = Options(server=SERVER_URL, workers=1, connections=2, seconds=1, floor=False)
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
                measured = by_endpoint[endpoint]
                assert measured.requests > 0, (size, endpoint)
                assert measured.errors == 0, (size, endpoint)
        assert growth.seed_seconds[size] > 0
    for endpoint in ENDPOINTS:
        assert growth.growth(endpoint) is not None
        assert len(growth.round_growths(endpoint)) == 2
    table = growth.table()
    assert "| endpoint | tiny p50 ms | bigger p50 ms | p50 growth tiny → bigger |" in table
    assert table.count("\n") == len(ENDPOINTS) + 1
