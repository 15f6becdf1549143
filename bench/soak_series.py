"""The arithmetic of ``soak.py``, apart from the broker and processes: percentiles, one
sample row per interval, and the run's summary with its pass criteria.

Pure (no I/O, no clock) so ``tests/unit/bench/test_soak_series.py`` can check it.

>>> percentile([3.0, 1.0, 2.0, 4.0], 50)
2.0
>>> trend_third([1, 2, 3, 4, 5, 6])
(2, 2, 2)
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Criteria", "Sample", "percentile", "summarise", "trend_third"]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0-100) of ``values``; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))])


@dataclass
class Sample:
    """The worker at one moment of the soak (cumulative counters are totals so far)."""

    t_s: float
    produced: int
    done: float
    lag: float
    rss_mb: float
    alerts: int
    p50_s: float
    p99_s: float
    deadletters: dict[str, float] = field(default_factory=dict)
    epoch_forced: float = 0.0
    oldest_unacked_s: float = 0.0
    sellers: int = 0
    #: keys held in memory per state table (``brandguard_table_keys``)
    table_keys: dict[str, float] = field(default_factory=dict)
    #: states dropped from memory so far (``brandguard_state_evictions_total``)
    evictions: float = 0.0
    pid: int = 0
    started_at: float = 0.0
    #: True for the samples taken after the producer stopped (the drain)
    draining: bool = False


def trend_third(values: Sequence[Any]) -> tuple[int, int, int]:
    """Sizes of the first, middle and last thirds of ``values`` (the last takes the rest)."""
    third = len(values) // 3
    return third, third, len(values) - 2 * third


@dataclass(frozen=True)
class Criteria:
    """What the soak calls bounded. ``rate`` is the produce rate, events/s."""

    rate: float
    #: lag below this many seconds of input counts as "none", whatever its trend
    lag_floor_s: float = 5.0
    #: after the drain, lag at or below this many seconds of input has "returned to ~0"
    lag_drained_s: float = 1.0
    #: most RSS growth from the middle to the end of the window, percent of the middle
    rss_growth_pct: float = 20.0


def _lag(window: Sequence[Sample], drained: Sample | None, c: Criteria) -> dict[str, Any]:
    lags = [s.lag for s in window]
    first, middle, _ = trend_third(lags)
    early = lags[:first + middle] or lags
    late = lags[first + middle:] or lags
    floor = c.rate * c.lag_floor_s
    late_median = statistics.median(late) if late else 0.0
    final = drained.lag if drained is not None else (lags[-1] if lags else 0.0)
    return {"max": max(lags, default=0.0), "early_max": max(early, default=0.0),
            "late_median": late_median, "final": final,
            "bounded": late_median <= max(max(early, default=0.0), floor),
            "returned_to_zero": final <= c.rate * c.lag_drained_s}


def _rss(window: Sequence[Sample], c: Criteria) -> dict[str, Any]:
    rss = [s.rss_mb for s in window]
    if not rss:
        return {"start": 0.0, "mid": 0.0, "end": 0.0, "max": 0.0, "growth_pct": 0.0,
                "second_half_growth_pct": 0.0, "bounded": True, "mb_per_10_min": 0.0}
    mid = rss[len(rss) // 2]
    span_min = (window[-1].t_s - window[len(rss) // 2].t_s) / 60.0
    second_half = (rss[-1] - mid) / mid * 100.0 if mid else 0.0
    return {"start": rss[0], "mid": mid, "end": rss[-1], "max": max(rss),
            "growth_pct": (rss[-1] - rss[0]) / rss[0] * 100.0 if rss[0] else 0.0,
            "second_half_growth_pct": second_half,
            "mb_per_10_min": (rss[-1] - mid) / span_min * 10.0 if span_min > 0 else 0.0,
            "bounded": second_half <= c.rss_growth_pct}


def summarise(samples: Sequence[Sample], latencies: Sequence[float],
              expected_deadletters: Mapping[str, int], c: Criteria,
              worker_alive: bool = True) -> dict[str, Any]:
    """The soak's summary: RSS, lag, latency, dead letters, and the pass criteria.

    ``latencies`` are every alert's produce-to-arrival seconds; ``expected_deadletters``
    the hostile records produced, per the error code each must get; ``worker_alive``
    whether the worker answered until the end."""
    window = [s for s in samples if not s.draining]
    drained = samples[-1] if samples and samples[-1].draining else None
    last = samples[-1] if samples else None
    seen = dict(last.deadletters) if last else {}
    codes = sorted(set(seen) | set(expected_deadletters))
    deadletters = {code: {"seen": seen.get(code, 0.0),
                          "expected": expected_deadletters.get(code, 0)} for code in codes}
    pids = {(s.pid, s.started_at) for s in samples}
    lag, rss = _lag(window, drained, c), _rss(window, c)
    checks = {
        "lag_bounded": lag["bounded"], "lag_returned_to_zero": lag["returned_to_zero"],
        "rss_bounded": rss["bounded"],
        "no_worker_restart": worker_alive and len(pids) <= 1,
        "deadletters_equal_hostile": all(v["seen"] == v["expected"]
                                         for v in deadletters.values()),
    }
    return {
        "samples": len(samples), "lag": lag, "rss_mb": rss,
        "latency": {"alerts": len(latencies), "p50_s": percentile(latencies, 50),
                    "p99_s": percentile(latencies, 99), "max_s": max(latencies, default=0.0)},
        "deadletters": deadletters,
        "epoch_forced": last.epoch_forced if last else 0.0,
        "oldest_unacked_max_s": max((s.oldest_unacked_s for s in samples), default=0.0),
        "checks": checks, "passed": all(checks.values()),
    }
