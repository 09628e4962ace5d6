"""The endpoint benchmarks (bench/endpoints.py) and their raw-asyncpg floor (bench/floor.py)
run end to end with a tiny load, so that they cannot rot: real uvicorn servers on a
throwaway PostgreSQL database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bench.endpoints import Options, run
from tests.dbs import Databases, on_postgresql

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="the benchmark runs on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)


def shape(value: Any) -> Any:
    """The keys and value types of a JSON document (lists by their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_the_endpoint_benchmarks_and_the_floor_run_with_a_tiny_load(
    databases: Databases,
) -> None:
    url = databases.new()
    options = Options(
        workers=1,
        concurrency=3,
        requests=30,
        only=("catalog", "course_page", "heartbeat", "enroll"),
        courses=30,
        students=20,
        database_url=url.render_as_string(hide_password=False),
        timeout=10,
    )
    report = asyncio.run(run(options))

    for endpoint in options.only:
        stats = report.get(endpoint)
        assert stats is not None
        assert (stats.requests, stats.errors) == (30, 0), (endpoint, stats.statuses)
        assert stats.percentile(0.5) <= stats.percentile(0.99)
        # The server's CPU time was read from /proc (this runs on Linux).
        assert stats.cpu_ms_per_request is not None
        assert stats.cpu_ms_per_request > 0
    for endpoint in ("catalog", "course_page", "heartbeat"):
        floor = report.get(endpoint, "floor")
        assert floor is not None
        assert (floor.requests, floor.errors) == (30, 0), (endpoint, floor.statuses)
        # The floor answers the same document as Lectern (the same keys and JSON types).
        lectern, raw = report.samples[endpoint, "lectern"], report.samples[endpoint, "floor"]
        assert shape(raw) == shape(lectern), endpoint
    assert report.get("enroll", "floor") is None  # no floor for the writes but the heartbeat

    table = report.table()
    assert "| catalog | 30 | 0 |" in table
    assert "| catalog (floor) | 30 | 0 |" in table
    assert "÷ floor | server CPU ms/req |" in table
