"""Event-time epochs, and how news from other partitions folds (earliest wins)."""

from __future__ import annotations

import itertools
import math

import pytest

from signals.eventtime.epochs import earliest, epoch_of, epoch_start


@pytest.mark.parametrize(("ts", "epoch"), [(0.0, 0), (3599.999, 0), (3600.0, 1), (-0.5, -1),
                                           (-3600.0, -1), (-3600.5, -2)])
def test_an_epoch_is_a_half_open_interval(ts: float, epoch: int) -> None:
    assert epoch_of(ts, 3600.0) == epoch
    assert epoch_start(ts, 3600.0) == epoch * 3600.0 <= ts


def test_every_time_lies_in_the_epoch_that_starts_at_its_epoch_start() -> None:
    for ts in (0.25 * i for i in range(-50, 50)):
        start = epoch_start(ts, 7.5)
        assert start <= ts < start + 7.5
        assert epoch_of(start, 7.5) == epoch_of(ts, 7.5)
    assert epoch_of(1e12, 3600.0) == math.floor(1e12 / 3600.0)


def test_earliest_folds_news_in_any_order_to_the_same_time() -> None:
    news = [None, 9.0, 3.0, None, 5.0]
    results = set()
    for order in itertools.permutations(news):
        folded: float | None = None
        for ts in order:
            folded = earliest(folded, ts)
        results.add(folded)
    assert results == {3.0}
    assert earliest(None, None) is None
