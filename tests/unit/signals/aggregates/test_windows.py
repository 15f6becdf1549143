"""Bucketed time windows: counts and distinct values, whatever the arrival order, equal to a
recount of the events the window still holds (its pruning shortcuts change no answer)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.aggregates.windows import DistinctWindow, WindowCounter

HOUR, DAY = 3600.0, 86400.0
event_times = st.lists(st.floats(min_value=0.0, max_value=20_000.0), min_size=1, max_size=40)


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


def _reference_total(events: list[float], span: float, width: float, at: float) -> float:
    """Events in buckets inside (at - span, at], among those the window still holds."""
    newest = max(events)
    floor = int((newest - span) // width)
    lo, hi = int((at - span) // width), int(at // width)
    # an event is dropped when it arrives already behind the window of the newest so far
    seen, held = -1e18, []
    for t in events:
        seen = max(seen, t)
        if int(t // width) > int((seen - span) // width):
            held.append(t)
    kept = [t for t in held if int(t // width) > floor]
    return float(sum(1 for t in kept if lo < int(t // width) <= hi))


@settings(max_examples=300, deadline=None)
@given(events=event_times, ask=st.floats(min_value=0.0, max_value=25_000.0))
def test_window_counter_total_matches_a_recount(events: list[float], ask: float) -> None:
    window = WindowCounter.create(span=3600.0, buckets=12)
    for t in events:
        window.add(t)
    at = max(ask, max(events))  # callers ask at or after the newest time, or before it
    for when in (at, ask):
        assert window.total(when) == _reference_total(events, 3600.0, 300.0, when)
    restored = WindowCounter.from_dict(window.to_dict())  # the pruning hint is not state
    assert restored.total(at) == window.total(at) and restored == window


@settings(max_examples=300, deadline=None)
@given(events=st.lists(st.tuples(st.floats(min_value=0.0, max_value=20_000.0),
                                 st.sampled_from("abcde")), min_size=1, max_size=40),
       ask=st.floats(min_value=0.0, max_value=25_000.0))
def test_distinct_window_matches_a_recount(events: list[tuple[float, str]], ask: float) -> None:
    window = DistinctWindow.create(span=3600.0, buckets=12)
    seen, held = -1e18, []
    for t, value in events:
        window.add(t, value)
        seen = max(seen, t)
        if int(t // 300.0) > int((seen - 3600.0) // 300.0):
            held.append((t, value))
    floor = int((seen - 3600.0) // 300.0)
    for at in (max(ask, seen), ask):
        lo, hi = int((at - 3600.0) // 300.0), int(at // 300.0)
        expected = {v for t, v in held if floor < int(t // 300.0) and lo < int(t // 300.0) <= hi}
        assert window.values(at) == expected
        assert window.bucket_total(at) >= window.distinct(at)
