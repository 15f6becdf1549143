"""When a partition's states are written: the live and the catch-up rule."""

from __future__ import annotations

import pytest

from streams.worker.checkpointing.flush_timing import FlushTiming


@pytest.mark.parametrize("catching_up", [False, True])
def test_nothing_pending_is_never_due(catching_up: bool) -> None:
    assert not FlushTiming(catchup_interval=10.0).due(0, None, catching_up)


def test_without_a_catchup_interval_a_backlog_changes_nothing() -> None:
    timing = FlushTiming(interval=2.0, every=100)
    for pending, since in [(5, 1.0), (5, 2.0), (100, 0.0), (99, 1.9)]:
        assert timing.due(pending, since, True) == timing.due(pending, since, False)


def test_the_catchup_record_bound_scales_with_the_interval() -> None:
    timing = FlushTiming(interval=2.0, every=100, catchup_interval=5.0)
    assert not timing.due(249, 4.9, True)
    assert timing.due(250, 0.0, True)
    assert timing.due(1, 5.0, True)


def test_a_zero_live_interval_flushes_at_once_even_when_behind() -> None:
    assert FlushTiming(interval=0.0, catchup_interval=60.0).due(1, 0.0, True)
