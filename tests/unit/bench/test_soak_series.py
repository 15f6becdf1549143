"""The soak's summariser (bench/soak_series.py): percentiles, thirds, pass criteria."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from soak_series import Criteria, Sample, percentile, summarise, trend_third


def _sample(t: float, lag: float, rss: float, *, draining: bool = False, pid: int = 7,
            dead: dict[str, float] | None = None) -> Sample:
    return Sample(t_s=t, produced=0, done=0.0, lag=lag, rss_mb=rss, alerts=0,
                  p50_s=math.nan, p99_s=math.nan, deadletters=dead or {}, pid=pid,
                  started_at=100.0, draining=draining)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([5.0], 99) == 5.0
    assert math.isnan(percentile([], 50))


def test_thirds_cover_every_value() -> None:
    assert trend_third(list(range(7))) == (2, 2, 3)
    assert sum(trend_third(list(range(2)))) == 2


def test_steady_run_passes() -> None:
    samples = [_sample(60.0 * i, lag=200.0 if i % 2 else 50.0, rss=500.0 + i)
               for i in range(12)]
    samples.append(_sample(780.0, lag=0.0, rss=510.0, draining=True,
                           dead={"invalid_json": 3.0, "unknown_schema": 1.0}))
    out = summarise(samples, [0.5, 1.0, 2.0], {"invalid_json": 3, "unknown_schema": 1},
                    Criteria(rate=100.0))
    assert out["passed"], out["checks"]
    assert out["rss_mb"]["start"] == 500.0 and out["rss_mb"]["max"] == 511.0
    assert out["lag"]["final"] == 0.0
    assert out["latency"]["p50_s"] == 1.0


def test_growing_lag_memory_and_missing_dead_letters_fail() -> None:
    samples = [_sample(60.0 * i, lag=1_000.0 * i, rss=500.0 * (1 + i)) for i in range(12)]
    samples.append(_sample(780.0, lag=9_000.0, rss=6_000.0, draining=True,
                           dead={"invalid_json": 2.0}))
    out = summarise(samples, [], {"invalid_json": 3}, Criteria(rate=100.0))
    checks = out["checks"]
    assert not checks["lag_bounded"]
    assert not checks["lag_returned_to_zero"]
    assert not checks["rss_bounded"]
    assert not checks["deadletters_equal_hostile"]
    assert checks["no_worker_restart"]
    assert not out["passed"]


def test_a_new_worker_process_is_a_restart() -> None:
    samples = [_sample(0.0, 0.0, 500.0), _sample(60.0, 0.0, 500.0, pid=8)]
    out = summarise(samples, [], {}, Criteria(rate=100.0))
    assert not out["checks"]["no_worker_restart"]
    dead = summarise(samples[:1], [], {}, Criteria(rate=100.0), worker_alive=False)
    assert not dead["checks"]["no_worker_restart"]
