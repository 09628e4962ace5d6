"""The growth report takes the median of its rounds, so one slow spell does not decide it."""

from __future__ import annotations

import pytest

from bench.endpoints import Options
from bench.growth import Growth
from bench.wrk import Measured, WrkRun


def _stats(p50: float) -> Measured:
    run = WrkRun(
        requests=3,
        seconds=0.5,
        rps=6.0,
        p50_ms=p50,
        p99_ms=p50 * 2,
        bad_statuses=0,
        socket_errors=0,
    )
    return Measured(run, server_cpu_seconds=0.003)


def test_growth_compares_the_median_p50_of_the_rounds() -> None:
    growth = Growth(Options(only=("search",)), ["small", "large"])
    growth.rounds["small"] = [{"search": _stats(p50)} for p50 in (10.0, 12.0, 30.0)]
    growth.rounds["large"] = [{"search": _stats(p50)} for p50 in (11.0, 13.0, 14.0)]

    assert growth.p50("small", "search") == 12.0
    assert growth.p50("large", "search") == 13.0
    assert growth.growth("search") == pytest.approx(13 / 12 - 1)
    # The third round alone would say it shrank by half.
    assert growth.round_growths("search") == pytest.approx([0.1, 13 / 12 - 1, 14 / 30 - 1])
    assert growth.rps("large", "search") == 6.0
    last_line = growth.table().splitlines()[-1]
    assert last_line == "| search | 12.0 | 13.0 | +8% | 6 | 6 | +10% +8% -53% |"
