"""The shortcuts taken for replay speed answer exactly what the plain computations do."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.aggregates.dedup import Deduplicator
from signals.aggregates.windows import DistinctWindow, WindowCounter
from signals.features.titles.index.term_keys import hits
from signals.model.online import _canonical
from signals.processors.seller_state import SellerState

times = st.lists(st.floats(min_value=0.0, max_value=20_000.0), min_size=1, max_size=40)


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
@given(events=times, ask=st.floats(min_value=0.0, max_value=25_000.0))
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


def test_network_counts_follow_every_change() -> None:
    state = SellerState.create("s1")
    assert state.network_counts(100.0) == (0, 0)
    state.merge_network("h1", [("s1", 1.0, None), ("s2", 2.0, None), ("s3", 3.0, 4.0)], None)
    assert state.network_counts(100.0) == (2, 1)
    state.merge_network("h2", [("s1", 5.0, None), ("s4", 6.0, None)], None)
    assert state.network_counts(100.0) == (3, 1)
    assert state.network_counts(5.5) == (2, 1)  # another cutoff is counted afresh
    state.merge_network("h1", [("s2", 1.5, 1.5)], None)  # an earlier use, now flagged
    assert state.network_counts(100.0) == (3, 2)
    assert SellerState.from_dict(state.to_dict()).network_counts(100.0) == (3, 2)


def test_hits_gathers_every_id_filed_under_any_probe() -> None:
    table = {"ab": (1,), "ac": (2, 3), "bd": (4,)}
    assert hits(table, ("ac", "ab", "zz")) == {1, 2, 3}  # probes are distinct keys, a tuple
    assert hits(table, ("zz",)) == set()


def test_canonical_features_are_sorted_and_drop_non_finite_values() -> None:
    assert list(_canonical({"b": 1, "a": 2.5})) == ["a", "b"]
    assert _canonical({"b": 1, "a": 2.5}) == {"a": 2.5, "b": 1.0}
    assert _canonical({"x": float("nan"), "y": float("inf"), "z": 1e308, "w": 1e308}) == {
        "w": 1e308, "z": 1e308}


class _PairQueueDedup:
    """The de-duplicator as first written: a queue of (time, id) pairs from the start."""

    def __init__(self, horizon: float, max_entries: int) -> None:
        self.horizon, self.max_entries = horizon, max_entries
        self.seen: dict[str, float] = {}
        self.newest = self.pruned_at = -1e18
        self.arrivals: deque[tuple[float, str]] = deque()

    def first_time(self, event_id: str, ts: float) -> bool:
        if event_id in self.seen:
            return False
        self.seen[event_id] = ts
        self.arrivals.append((ts, event_id))
        self.newest = max(self.newest, ts)
        if (self.arrivals[0][0] < self.newest - self.horizon
                or len(self.seen) > self.max_entries):
            self.pruned_at = self.newest
            floor = self.newest - self.horizon
            while self.arrivals and (self.arrivals[0][0] < floor
                                     or len(self.seen) > self.max_entries):
                ts_, id_ = self.arrivals.popleft()
                if self.seen.get(id_) == ts_:
                    del self.seen[id_]
        return True


@settings(max_examples=300, deadline=None)
@given(events=st.lists(st.tuples(st.sampled_from([f"e{i}" for i in range(12)]),
                                 st.floats(min_value=0.0, max_value=500.0)), max_size=60),
       max_entries=st.integers(min_value=1, max_value=8),
       restore_at=st.integers(min_value=0, max_value=60))
def test_dedup_decides_and_forgets_as_the_pair_queue_did(
        events: list[tuple[str, float]], max_entries: int, restore_at: int) -> None:
    dedup, reference = Deduplicator(horizon=100.0, max_entries=max_entries), _PairQueueDedup(
        100.0, max_entries)
    for index, (event_id, ts) in enumerate(events):
        if index == restore_at:  # a restored state goes on the same way
            dedup = Deduplicator.from_dict(dedup.to_dict())
        assert dedup.first_time(event_id, ts) is reference.first_time(event_id, ts)
        assert list(dedup.seen.items()) == list(reference.seen.items())
        assert (dedup.newest, dedup.pruned_at) == (reference.newest, reference.pruned_at)


@settings(max_examples=200, deadline=None)
@given(batches=st.lists(st.lists(st.sampled_from([f"h{i}" for i in range(9)]), max_size=4),
                        max_size=12),
       limit=st.integers(min_value=1, max_value=6))
def test_remembered_phashes_keep_list_and_set_alike(batches: list[list[str]], limit: int) -> None:
    state, plain = SellerState.create("s1"), []
    for batch in batches:
        new = [h for h in dict.fromkeys(batch) if h not in state.known_phashes()]
        state.remember_phashes(new, limit)
        plain = (plain + [h for h in dict.fromkeys(batch) if h not in plain])[-limit:]
        assert state.phashes == plain and state.known_phashes() == set(plain)
    assert SellerState.from_dict(state.to_dict()).known_phashes() == set(plain)
