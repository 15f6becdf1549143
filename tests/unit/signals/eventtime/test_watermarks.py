"""LowWatermark and EpochGate: the pure halves of the live epoch protocol.

The protocol's safety rests on two promises checked here: a watermark never
passes a source it has not heard from (or that is still busy), and the gate
lets items through only from the front, in arrival order.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.eventtime.watermarks import EpochGate, LowWatermark

# --- LowWatermark ------------------------------------------------------------


def test_a_source_never_heard_from_holds_everything_back() -> None:
    mark = LowWatermark(sources=3)
    assert mark.advance(0, 5) is False
    assert mark.advance(1, 7, idle=True) is False
    assert mark.low is None
    # even when every source it has heard from is idle
    assert mark.advance(0, 5, idle=True) is False
    assert mark.low is None
    assert mark.advance(2, 4) is True
    assert mark.low == 4


def test_low_is_the_minimum_of_the_active_sources() -> None:
    mark = LowWatermark(sources=3)
    mark.advance(0, 6)
    mark.advance(1, 2)
    assert mark.advance(2, 9) is True
    assert mark.low == 2
    assert mark.advance(1, 8) is True
    assert mark.low == 6


def test_idle_sources_do_not_hold_the_others_back() -> None:
    mark = LowWatermark(sources=3)
    mark.advance(0, 6)
    mark.advance(1, 1, idle=True)
    mark.advance(2, 9)
    assert mark.low == 6
    assert mark.advance(0, 12) is True
    assert mark.low == 9  # source 1, idle at 1, is still left out


def test_when_every_source_is_idle_the_watermark_takes_the_highest_mark() -> None:
    mark = LowWatermark(sources=3)
    mark.advance(0, 3)
    mark.advance(1, 9, idle=True)
    mark.advance(2, 4, idle=True)
    assert mark.low == 3
    assert mark.advance(0, 3, idle=True) is True
    assert mark.low == 9


def test_the_watermark_never_goes_back() -> None:
    mark = LowWatermark(sources=2)
    mark.advance(0, 5)
    mark.advance(1, 7)
    assert mark.low == 5
    assert mark.advance(0, 2) is False  # e.g. a re-delivered older mark
    assert mark.low == 5
    # an idle source that rejoins behind the watermark does not pull it back...
    mark.advance(0, 10, idle=True)
    assert mark.low == 7
    assert mark.advance(0, 6) is False
    assert mark.low == 7
    # ...but holds it where it is until it catches up
    assert mark.advance(1, 20) is False
    assert mark.low == 7
    assert mark.advance(0, 11) is True
    assert mark.low == 11


def test_a_repeated_mark_does_not_count_as_progress() -> None:
    mark = LowWatermark(sources=1)
    assert mark.advance(0, 4) is True
    assert mark.advance(0, 4) is False
    assert mark.advance(0, 4, idle=True) is False


@pytest.mark.parametrize("source", [-1, 2, 99])
def test_a_source_outside_the_range_is_refused_without_changing_anything(source: int) -> None:
    mark = LowWatermark(sources=2)
    mark.advance(0, 3)
    mark.advance(1, 4)
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        mark.advance(source, 100)
    assert mark.low == 3
    assert mark.advance(0, 5) is True
    assert mark.low == 4


marks = st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 20), st.booleans()), max_size=40)


@given(marks)
def test_low_is_the_best_candidate_seen_and_advance_says_when_it_moves(
        history: list[tuple[int, int, bool]]) -> None:
    """Reference model: once every source is known, the candidate is the least
    active mark (the greatest if all are idle); low is the best candidate so far."""
    sources = 4
    mark = LowWatermark(sources)
    latest: dict[int, tuple[int, bool]] = {}
    expected: int | None = None
    for source, until, idle in history:
        latest[source] = (until, idle)
        before = expected
        if len(latest) == sources:
            active = [u for u, is_idle in latest.values() if not is_idle]
            candidate = min(active) if active else max(u for u, _ in latest.values())
            expected = candidate if expected is None else max(expected, candidate)
        assert mark.advance(source, until, idle) is (expected != before)
        assert mark.low == expected


# --- EpochGate ---------------------------------------------------------------


def test_an_empty_gate_has_no_head_and_releases_nothing() -> None:
    gate = EpochGate[str]()
    assert len(gate) == 0
    assert gate.head_epoch is None
    assert gate.release(until=100, force=3) == []
    assert gate.drain() == []


def test_items_leave_in_arrival_order_from_the_front_only() -> None:
    gate = EpochGate[str]()
    gate.push(5, "late epoch first")
    gate.push(3, "earlier epoch behind it")
    assert gate.release(until=4) == []  # the head blocks what is behind it
    assert gate.release(until=5) == ["late epoch first", "earlier epoch behind it"]


def test_release_stops_at_the_first_item_past_the_watermark() -> None:
    gate = EpochGate[int]()
    for epoch in (1, 1, 2, 4, 3):
        gate.push(epoch, epoch)
    assert gate.release(until=2) == [1, 1, 2]
    assert gate.head_epoch == 4
    assert len(gate) == 2


def test_without_a_watermark_nothing_leaves_unless_forced() -> None:
    gate = EpochGate[str]()
    gate.push(0, "a")
    gate.push(0, "b")
    assert gate.release(until=None) == []
    assert gate.release(until=None, force=1) == ["a"]
    assert gate.release(until=None, force=5) == ["b"]
    assert len(gate) == 0


def test_force_counts_only_the_items_past_the_watermark() -> None:
    gate = EpochGate[int]()
    for epoch in (1, 2, 5, 6, 7):
        gate.push(epoch, epoch)
    assert gate.release(until=2, force=1) == [1, 2, 5]
    gate.push(8, 8)
    # 6 is free, 7 is the one forced through, and 8 waits for the watermark
    assert gate.release(until=6, force=1) == [6, 7]
    assert gate.head_epoch == 8


def test_drain_empties_the_gate_in_arrival_order() -> None:
    gate = EpochGate[str]()
    gate.push(9, "x")
    gate.push(2, "y")
    assert gate.drain() == ["x", "y"]
    assert len(gate) == 0
    assert gate.head_epoch is None
