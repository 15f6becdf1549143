"""The de-duplicator: remembers event ids within its horizon, bounded, and restorable."""

from __future__ import annotations

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
