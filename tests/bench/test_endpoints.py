"""The endpoint benchmarks (bench/endpoints.py) and their raw-asyncpg floor (bench/floor.py)
run end to end with a tiny load, so that they cannot rot: real uvicorn servers on a
throwaway PostgreSQL database, driven by wrk in alternating rounds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bench import wrk
from bench.endpoints import FLOORED, Options, run
from bench.seeding import Size
from tests.dbs import Databases, on_postgresql

pytestmark = [
    pytest.mark.skipif(
        not on_postgresql(), reason="the benchmark runs on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
    ),
    pytest.mark.skipif(wrk.find() is None, reason="wrk is installed by .ci/system-packages"),
]


def shape(value: Any) -> Any:
    """The keys and value types of a JSON document (lists by their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_the_endpoint_benchmarks_and_the_floor_run_in_rounds(databases: Databases) -> None:
    url = databases.new()
    options = Options(
        # Few connections: CI's PostgreSQL role may hold 10, and the servers are up at once.
        workers=1,
        connections=2,
        seconds=1,
        rounds=2,
        only=(*FLOORED, "enroll"),
        size=Size(courses=30, students=20, newcomers=40),
        database_url=url.render_as_string(hide_password=False),
        framed=True,
    )
    report = asyncio.run(run(options))

    for endpoint in options.only:
        runs = report.runs[endpoint, "lectern"]
        assert len(runs) == (1 if endpoint == "enroll" else 2)  # an enrollment is made once
        for measured in runs:
            assert measured.requests > 0
            assert measured.errors == 0, endpoint
            assert measured.p50_ms <= measured.p99_ms
            # The server's CPU time was read from /proc (this runs on Linux).
            assert measured.cpu_ms_per_request is not None
            assert measured.cpu_ms_per_request > 0
    for endpoint in FLOORED:
        floor = report.runs[endpoint, "floor"]
        assert len(floor) == 2
        assert all(measured.errors == 0 for measured in floor)
        assert len(report.ratios(endpoint)) == 2
        # The floor's code behind Lectern's app answers as the floor does.
        framed = report.runs[endpoint, "framed"]
        assert len(framed) == 2
        assert all(measured.errors == 0 for measured in framed)
        assert len(report.ratios(endpoint, "framed")) == 2
        assert shape(report.samples[endpoint, "framed"]) == shape(report.samples[endpoint, "floor"])
        # The floor answers the same document as Lectern (the same keys and JSON types) …
        lectern, raw = report.samples[endpoint, "lectern"], report.samples[endpoint, "floor"]
        assert shape(raw) == shape(lectern), endpoint
        # … with the same statements.
        assert report.statements["floor"][endpoint] == report.statements["lectern"][endpoint]
    # The cart's answer is the same, value for value (its prices, its reasons).
    assert report.samples["cart", "floor"] == report.samples["cart", "lectern"]
    assert ("enroll", "floor") not in report.runs  # no floor for the writes but the heartbeat
    # The statements a request runs, whatever the data (the budget).
    assert report.statements["lectern"]["catalog"] == 3
    assert report.statements["lectern"]["search"] == 3
    assert report.statements["lectern"]["course_page"] == 4
    assert report.statements["lectern"]["dashboard"] <= 5
    assert report.statements["lectern"]["lesson"] == 11
    assert report.statements["lectern"]["heartbeat"] == 6
    assert report.statements["lectern"]["cart"] == 3

    table = report.table()
    assert "| catalog | 2 | 0 |" in table
    assert "| catalog (floor) | 2 | 0 |" in table
    assert "| catalog (floor in Lectern's app) | 2 | 0 |" in table
    assert "÷ floor | server CPU ms/req | statements/req |" in table
