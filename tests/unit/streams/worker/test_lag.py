"""Consumer lag per input partition: the metric, and the readings the runners ask."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import faust
import pytest
from faust.types import TP

from streams.worker.lag import ConsumerLag
from streams.worker.monitoring.metrics import Metrics


def _lag_metric(lag: ConsumerLag) -> dict[tuple[str, str], float]:
    return {(sample.labels["topic"], sample.labels["partition"]): sample.value
            for metric in lag.metrics.consumer_lag.collect() for sample in metric.samples}


class _Consumer:
    """What a reading asks Faust's consumer: the fetcher's highwaters and positions."""

    def __init__(self, ends: dict[TP, int | None], positions: dict[TP, int],
                 committed: dict[TP, int] | None = None,
                 starts: dict[TP, int] | None = None) -> None:
        self.ends, self.positions, self.starts = ends, positions, starts
        self._committed_offset = committed or {}  # what Faust read at assignment

    def assignment(self) -> set[TP]:
        return set(self.ends) | {TP("facts-brand", 9)}

    def highwater(self, tp: TP) -> int | None:
        if tp not in self.ends:
            raise KeyError(tp)  # no fetch response for it yet
        return self.ends[tp]

    async def position(self, tp: TP) -> int:
        return self.positions[tp]

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        raise TimeoutError("a slow broker")

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        if self.starts is None:
            raise TimeoutError("a slow broker")
        return {tp: self.starts[tp] for tp in tps if tp in self.starts}


def _reading(ends: dict[TP, int | None], positions: dict[TP, int],
             committed: dict[TP, int] | None = None,
             starts: dict[TP, int] | None = None) -> ConsumerLag:
    app: Any = SimpleNamespace(consumer=_Consumer(ends, positions, committed, starts))
    lag = ConsumerLag(app, Metrics(), flush_every=5)
    lag.source_topics.update({"listings"})
    return lag


def test_readings_say_which_partitions_lag_and_which_are_caught_up() -> None:
    ends = {TP("listings", 0): 10, TP("listings", 1): 5, TP("listings", 2): None,
            TP("app-sellers-changelog", 0): 99}
    lag = _reading(ends, {}, committed={TP("listings", 1): 5},
                   starts={TP("listings", 2): 0})
    runner: Any = SimpleNamespace(positions={("listings", 0): 2})
    asyncio.run(lag.update([runner]))
    # processed up to 2: 7 behind; nothing processed: from the committed offset, or
    # (nothing committed: a new group) from the first one
    assert _lag_metric(lag) == {("listings", "0"): 7.0, ("listings", "1"): 0.0,
                                ("listings", "2"): 0.0}  # changelogs are not ours
    lagging = lag.lagging(["listings"])
    assert lagging(0) and not lagging(1)
    assert lag.caught_up("listings", 1) and not lag.caught_up("listings", 0)
    assert not lag.caught_up("listings", 2)  # an unknown end is not "caught up"
    lag.forget()
    assert not lagging(0) and not lag.caught_up("listings", 1)


def test_backlog_is_what_the_fetcher_has_seen_past_the_agent() -> None:
    lag = _reading({TP("listings", 0): 10, TP("listings", 1): None}, {})
    assert lag.backlog("listings", 0, 8) is True
    assert lag.backlog("listings", 0, 9) is False
    assert lag.backlog("listings", 0, None) is True  # nothing seen nor committed
    assert lag.backlog("listings", 1, None) is None  # no fetch has answered for it
    assert lag.backlog("listings", 2, None) is None


def test_with_nothing_seen_since_assignment_the_backlog_starts_at_the_commit() -> None:
    # After a rebalance: a quiet topic whose old records are all committed has no
    # backlog (else the merger would wait 30 s for it); one with uncommitted records has
    lag = _reading({TP("listings", 0): 10, TP("listings", 1): 10}, {},
                   committed={TP("listings", 0): 10, TP("listings", 1): 4})
    assert lag.backlog("listings", 0, None) is False
    assert lag.backlog("listings", 1, None) is True


def test_a_partition_read_again_is_caught_up_only_once_the_agent_has_its_records() -> None:
    # The consumer's position is past the records waiting in Faust's stream queue;
    # with no record processed since the assignment, the lag counts from the commit
    tp = TP("listings", 0)
    lag = _reading({tp: 10}, {tp: 10}, committed={tp: 6})
    asyncio.run(lag.update([SimpleNamespace(positions={})]))
    assert _lag_metric(lag) == {("listings", "0"): 4.0}
    assert not lag.caught_up("listings", 0)
    asyncio.run(lag.update([SimpleNamespace(positions={("listings", 0): 9})]))
    assert lag.caught_up("listings", 0)


def test_a_new_group_is_behind_by_every_record_its_agent_has_not_processed() -> None:
    # The consumer's position (10) is past records still waiting in Faust's queue;
    # nothing committed yet, so the agent starts from the first offset (3)
    tp = TP("listings", 0)
    lag = _reading({tp: 10}, {tp: 10}, starts={tp: 3})
    asyncio.run(lag.update([SimpleNamespace(positions={})]))
    assert _lag_metric(lag) == {("listings", "0"): 7.0} and not lag.caught_up("listings", 0)
    slow = _reading({tp: 10}, {tp: 10})  # no answer for the first offset: no reading
    asyncio.run(slow.update([SimpleNamespace(positions={})]))
    assert _lag_metric(slow) == {} and not slow.caught_up("listings", 0)


def test_a_slow_broker_leaves_unfetched_partitions_out_of_the_metric() -> None:
    lag = _reading({}, {})
    lag.source_topics.add("facts-brand")
    asyncio.run(lag.update([]))
    assert _lag_metric(lag) == {}


def test_a_partition_never_fetched_shows_its_records_as_lag(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = faust.App("lag-unfetched", broker="kafka://127.0.0.1:1")
    facts, fresh, resumed = TP("facts-brand", 3), TP("facts-brand", 4), TP("facts-brand", 5)
    consumer = app.consumer

    async def highwaters(*tps: TP) -> dict[TP, int]:
        return {facts: 9, fresh: 6, resumed: 12}

    async def earliest(*tps: TP) -> dict[TP, int]:
        return {facts: 0, fresh: 2, resumed: 0}

    monkeypatch.setattr(consumer, "highwaters", highwaters)
    monkeypatch.setattr(consumer, "earliest_offsets", earliest)
    monkeypatch.setitem(consumer._committed_offset, resumed, 10)  # type: ignore[attr-defined]
    lag = ConsumerLag(app, Metrics(), flush_every=5)
    asyncio.run(lag._unfetched_lag([facts, fresh, resumed], {("facts-brand", 3): 0}))
    # done up to offset 0; nothing done or committed: from the earliest; committed at 10
    assert {p: v for (_, p), v in _lag_metric(lag).items()} == {"3": 8.0, "4": 4.0, "5": 2.0}
    assert lag._lag.get(("facts-brand", 3)) is None  # the epoch gate waits for the fetcher
