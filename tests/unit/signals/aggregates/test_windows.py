"""Bucketed time windows: counts and distinct values, whatever the arrival order."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from signals.aggregates.windows import DistinctWindow, WindowCounter

HOUR, DAY = 3600.0, 86400.0


@given(st.lists(st.floats(0, 10 * DAY), max_size=60), st.randoms())
def test_window_counts_do_not_depend_on_arrival_order(times: list[float],
                                                      rnd: random.Random) -> None:
    a, b = WindowCounter.create(DAY, 24), WindowCounter.create(DAY, 24)
    shuffled = list(times)
    rnd.shuffle(shuffled)
    for t in times:
        a.add(t)
    for t in shuffled:
        b.add(t)
    assert a.to_dict() == b.to_dict()


def test_distinct_bucket_total_counts_each_hour_separately() -> None:
    w = DistinctWindow.create(span=DAY, buckets=24)
    for hour in range(5):
        w.add(hour * HOUR + 1, "s1")
    w.add(1, "s2")
    assert w.distinct(at=5 * HOUR) == 2
    assert w.bucket_total(at=5 * HOUR) == 6


@given(st.lists(st.floats(0, 3 * DAY), min_size=1, max_size=40), st.floats(0, 4 * DAY))
def test_window_totals_equal_a_recount_of_the_buckets(times: list[float], extra: float) -> None:
    counter, distinct = WindowCounter.create(DAY, 24), DistinctWindow.create(DAY, 24)
    for i, t in enumerate(times):
        counter.add(t)
        distinct.add(t, f"v{i % 5}")
    for at in (counter.newest, counter.newest + extra, max(times) / 2):
        lo, hi = int((at - DAY) // counter.width), int(at // counter.width)
        assert counter.total(at) == sum(c for b, c in counter.counts.items() if lo < b <= hi)
        expected = set().union(*(v for b, v in distinct.buckets.items() if lo < b <= hi))
        assert distinct.values(at) == expected
