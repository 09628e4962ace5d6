"""wrk drives the benchmarks: its report is read into numbers, and a short run against a
local server counts what it sent, with the script's headers and paths in turn."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from bench import wrk
from tests.notifications.test_stream import serving

REPORT = """Running 2s test @ http://127.0.0.1:8123/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   338.96us  498.58us  12.86ms   98.50%
    Req/Sec    26.48k     2.45k   29.39k    66.67%
  Latency Distribution
     50%  267.00us
     75%  351.00us
     90%  451.00us
     99%    1.40ms
  55312 requests in 2.10s, 7.49MB read
  Non-2xx or 3xx responses: 12
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:  26337.83
Transfer/sec:      3.57MB
"""


def test_a_report_is_read_into_numbers() -> None:
    run = wrk.parse(REPORT)

    assert (run.requests, run.seconds, run.rps) == (55312, 2.1, 26337.83)
    assert (run.p50_ms, run.p99_ms) == (0.267, 1.4)
    assert (run.bad_statuses, run.socket_errors, run.errors) == (12, 3, 15)
    with pytest.raises(ValueError, match="not a wrk report"):
        wrk.parse("Segmentation fault")


@pytest.mark.skipif(wrk.find() is None, reason="wrk is installed by .ci/system-packages")
async def test_a_run_sends_the_paths_in_turn_with_the_headers() -> None:
    seen: Counter[str] = Counter()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = dict(scope["headers"])
        seen[scope["path"]] += 1
        signed = headers.get(b"authorization") == b"Bearer token"
        status = 200 if signed and scope["path"] != "/missing" else 404
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async with serving(app) as base:  # type: ignore[arg-type]
        run = await wrk.run(
            base,
            ["/a", "/b", "/missing"],
            headers={"Authorization": "Bearer token"},
            seconds=1,
            connections=4,
        )

    assert run.requests > 30
    assert run.rps > 0
    assert set(seen) == {"/a", "/b", "/missing"}
    # Each connection rotates over the paths: a third of the answers are the 404s.
    assert abs(run.bad_statuses - run.requests / 3) <= run.requests * 0.1
    assert run.p50_ms <= run.p99_ms


@pytest.mark.skipif(wrk.find() is None, reason="wrk is installed by .ci/system-packages")
async def test_a_body_with_a_beat_counter_counts_each_requests_sendings() -> None:
    beats: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["method"] == "POST":
            beats.append({"path": scope["path"], **json.loads(body)})
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    beat = '{"seq": {seq}, "position": {seconds}}'
    async with serving(app) as base:  # type: ignore[arg-type]
        run = await wrk.run(
            base,
            [
                wrk.Request("/a", method="POST", body=beat, seconds_cap=20),
                wrk.Request("/b", method="POST", body=beat, seconds_cap=20),
                wrk.Request("/fixed", method="POST", body='{"seq": 0, "position": 0}'),
            ],
            seconds=1,
            connections=1,
        )

    assert run.requests > 10
    assert run.errors == 0
    for path in ("/a", "/b"):
        sent = [beat for beat in beats if beat["path"] == path]
        # One connection: each request's beats arrive in order, one apart (wrk formats one
        # request it does not send when the thread starts).
        first = sent[0]["seq"]
        assert first in (1, 2)
        assert [beat["seq"] for beat in sent] == list(range(first, first + len(sent)))
        assert [beat["position"] for beat in sent] == [min(20, 5 * beat["seq"]) for beat in sent]
    assert {beat["seq"] for beat in beats if beat["path"] == "/fixed"} == {0}


def test_without_wrk_the_harness_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wrk.shutil, "which", lambda _name: None)

    with pytest.raises(RuntimeError, match="make system-packages"):
        wrk.require()


@pytest.mark.skipif(wrk.find() is None, reason="wrk is installed by .ci/system-packages")
async def test_the_bare_hello_shows_what_the_generator_reaches() -> None:
    run = await wrk.bare_hello(seconds=1, connections=8)

    assert run.errors == 0
    assert run.rps > 1000  # far above any endpoint of Lectern on the same machine
