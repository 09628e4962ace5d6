"""The count of the Python calls a request makes (bench/calls.py): in process, on Lectern and
on the floor, by package."""

from __future__ import annotations

import asyncio
import json
import sysconfig

import pytest

from bench.calls import package_of, rotation_of, run, table
from bench.seeding import Size
from tests.dbs import Databases, on_postgresql


def test_a_function_is_counted_for_its_package() -> None:
    stdlib = sysconfig.get_paths()["stdlib"]
    assert package_of("/venv/lib/python3.11/site-packages/sqlalchemy/orm/session.py") == (
        "sqlalchemy"
    )
    assert package_of("/venv/lib/python3.11/site-packages/fastapi/routing.py") == "fastapi"
    assert package_of("/src/lectern/catalog/queries.py") == "lectern.catalog"
    assert package_of("/src/lectern/db.py") == "lectern.db"
    assert package_of("/src/bench/floor/catalog.py") == "bench"
    assert package_of(f"{stdlib}/asyncio/events.py") == "stdlib"
    assert package_of("~") == "built-in"


def test_heartbeats_are_counted_past_the_first_beat_of_their_play() -> None:
    body = '{"play_id": "p%d", "seq": {seq}, "position": {seconds}, "watched": {seconds}}'
    asked = [
        {"method": "POST", "path": f"/beat/{n}", "headers": {}, "body": body % n} for n in (1, 2, 3)
    ]
    rotation = rotation_of("heartbeat", asked, count=20)

    # Two players (a tenth of the count), each started by its first beat …
    assert [json.loads(beat["body"])["seq"] for beat in rotation.warm_up] == [1, 1]
    assert [beat["path"] for beat in rotation.warm_up] == ["/beat/1", "/beat/2"]
    # … then beats 2, 3, … in turn, five seconds apart, enough for the count.
    counted = [json.loads(beat["body"]) for beat in rotation.counted]
    assert len(counted) >= 20
    assert [(beat["play_id"], beat["seq"], beat["watched"]) for beat in counted[:3]] == [
        ("p1", 2, 10),
        ("p2", 2, 10),
        ("p1", 3, 15),
    ]
    # Any other endpoint: its requests, sent once before counting.
    reads = rotation_of("catalog", asked[:1], count=20)
    assert reads.warm_up == reads.counted == asked[:1]


@pytest.mark.skipif(
    not on_postgresql(), reason="the benchmarks run on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)
def test_the_calls_of_a_request_are_counted_on_lectern_and_on_the_floor(
    databases: Databases,
) -> None:
    url = databases.new().render_as_string(hide_password=False)
    found = asyncio.run(
        run("", url, ["catalog", "heartbeat"], count=20, size=Size(courses=20, students=20))
    )

    for endpoint in ("catalog", "heartbeat"):
        lectern, floor = found["lectern"][endpoint], found["floor"][endpoint]
        # The floor has no framework and no ORM: it makes fewer calls.
        assert 0 < floor["calls"] < lectern["calls"]
        assert "fastapi" not in floor["packages"]
        assert lectern["packages"]["fastapi"] > 0
        assert abs(sum(lectern["packages"].values()) - lectern["calls"]) <= len(lectern["packages"])
    assert found["lectern"]["catalog"]["packages"]["lectern.catalog"] > 0
    assert found["lectern"]["heartbeat"]["packages"]["lectern.learning"] > 0
    printed = table(found, packages=3)
    assert printed.splitlines()[0].startswith("| endpoint | calls/req | floor calls/req |")
    assert "| heartbeat |" in printed
