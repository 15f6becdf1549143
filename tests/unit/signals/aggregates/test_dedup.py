"""The de-duplicator: remembers event ids within its horizon, bounded, and restorable; it
decides and forgets exactly as the plain queue of (time, id) pairs it replaced did."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.aggregates.dedup import Deduplicator

HOUR, DAY = 3600.0, 86400.0


def test_dedup_remembers_within_the_horizon_and_forgets_after() -> None:
    d = Deduplicator(horizon=HOUR, max_entries=100)
    assert d.first_time("a", 0.0)
    assert not d.first_time("a", 30 * 60.0)
    d.first_time("b", 2 * HOUR)
    assert "a" not in d.seen and len(d) == 1


def test_dedup_is_bounded_and_round_trips() -> None:
    d = Deduplicator(horizon=DAY, max_entries=3)
    for i in range(10):
        d.first_time(f"e{i}", float(i))
    assert len(d) == 3 and list(d.seen) == ["e7", "e8", "e9"]
    restored = Deduplicator.from_dict(d.to_dict())
    assert not restored.first_time("e9", 9.0)
    assert restored.first_time("e10", 10.0) and len(restored) == 3


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
