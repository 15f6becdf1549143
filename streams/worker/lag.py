"""Consumer lag per input partition: records in Kafka the agents have not processed.

The app's timer takes a reading every 2 s (:meth:`ConsumerLag.update`): it sets the
``brandguard_consumer_lag`` metric and keeps the last reading per partition, which the
runners ask through :meth:`~ConsumerLag.lagging` (catching up: flushes follow the
catch-up interval) and :meth:`~ConsumerLag.caught_up` (the consumer has shown the
partition's end: the epoch gate stops waiting for it). :meth:`~ConsumerLag.backlog`
asks the fetcher's highwater directly, for the seller agent's event-time merger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import faust
from faust.types import TP

from streams.worker.faust_internals import committed_offsets
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import Runner

__all__ = ["ConsumerLag"]

log = logging.getLogger(__name__)


class ConsumerLag:
    def __init__(self, app: faust.App, metrics: Metrics, flush_every: int) -> None:
        """``app``: its consumer is looked up when read (Faust builds it on first use);
        ``flush_every``: a partition more records behind than this is lagging."""
        self.app = app
        self.metrics = metrics
        self.flush_every = flush_every
        #: the last reading per (topic, partition) whose end the fetcher knows
        self._lag: dict[tuple[str, int], int] = {}
        #: the topics the agents read (changelogs are Faust's recovery's)
        self.source_topics: set[str] = set()

    def backlog(self, topic: str, partition: int, seen: int | None) -> bool | None:
        """Records of this partition are in Kafka but not yet handed to the agent, which
        has seen up to offset ``seen`` (None: nothing since the partition was assigned;
        returns None while no fetch has answered for it)."""
        tp = TP(topic, partition)
        try:
            highwater = self.app.consumer.highwater(tp)
        except (KeyError, AssertionError):
            return None
        if highwater is None:
            return None
        return highwater > (seen + 1 if seen is not None else self._resumes_at(tp))

    def _resumes_at(self, tp: TP) -> int:
        """Where the agent's next record of ``tp`` is, with none seen since assignment:
        the committed offset (0 if none: a new group reads from the start). A quiet
        topic with old records must not look like a backlog after every rebalance."""
        return committed_offsets(self.app.consumer).get(tp) or 0

    def lagging(self, topics: Iterable[str]) -> Callable[[int], bool]:
        """Whether a partition of ``topics`` is catching up: its last lag reading on
        one of them was more than ``flush_every`` records."""
        topics, behind = list(topics), self.flush_every

        def lagging(partition: int) -> bool:
            return any(self._lag.get((topic, partition), 0) > behind for topic in topics)

        return lagging

    def caught_up(self, topic: str, partition: int) -> bool:
        """The last lag reading of this partition was zero."""
        return self._lag.get((topic, partition)) == 0

    def forget(self) -> None:
        """Partitions revoked: their readings are another worker's now."""
        self._lag.clear()

    async def update(self, runners: Iterable[Runner]) -> None:
        """Highwater minus the next offset to process, per assigned partition."""
        consumer = self.app.consumer
        processed: dict[tuple[str, int], int] = {}
        for runner in runners:
            processed.update(runner.positions)
        self.metrics.consumer_lag.clear()
        committed = committed_offsets(consumer)
        unfetched: list[TP] = []
        fresh: dict[TP, int | None] = {}
        for tp in sorted(consumer.assignment()):
            if tp.topic not in self.source_topics:
                continue  # changelogs: Faust's recovery reads them, not our agents
            try:
                highwater = consumer.highwater(tp)
            except (KeyError, AssertionError):  # no fetch response for it yet
                unfetched.append(tp)
                continue
            done = processed.get((tp.topic, tp.partition))
            # Nothing processed on it since assignment: from the committed offset, or
            # the first one. Not the consumer's position: it moves as soon as records
            # reach Faust's stream queue, and a partition whose records wait there is
            # not caught up (the epoch gate would call it idle).
            position = done + 1 if done is not None else committed.get(tp)
            if position is None:
                fresh[tp] = highwater
                continue
            self._record(tp, highwater, position)
        if fresh:
            await self._fresh_lag(fresh)
        if unfetched:
            await self._unfetched_lag(unfetched, processed)

    def _record(self, tp: TP, highwater: int | None, position: int) -> None:
        lag = self._set_lag(tp, highwater, position)
        if highwater is not None:  # an unknown end is not "caught up"
            self._lag[(tp.topic, tp.partition)] = lag

    async def _fresh_lag(self, fresh: dict[TP, int | None]) -> None:
        """Partitions with nothing processed or committed: a new group reads them from
        their first offset (``consumer_auto_offset_reset="earliest"``)."""
        try:
            starts = await self.app.consumer.earliest_offsets(*fresh)
        except Exception as exc:  # a slow broker must not stop the timer; no reading
            log.debug("first offsets of uncommitted partitions: %s", exc)
            return
        for tp, highwater in fresh.items():
            if starts.get(tp) is not None:
                self._record(tp, highwater, starts[tp])

    def _set_lag(self, tp: TP, end: int | None, position: int | None) -> int:
        lag = max(0, (end or 0) - (position or 0))
        self.metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lag)
        return lag

    async def _unfetched_lag(self, tps: list[TP], processed: dict[tuple[str, int], int]) -> None:
        """Lag of assigned partitions the fetcher has no answer for, from the broker's
        offsets: a partition assigned but never fetched must show its records as lag,
        not vanish from the metric. Not ``consumer.position()``: it waits for the
        fetcher, which is what may be stuck. Only the metric: the epoch gate's "caught
        up" keeps waiting for the fetcher's own reading."""
        consumer = self.app.consumer
        try:
            ends = await consumer.highwaters(*tps)
            starts = await consumer.earliest_offsets(*tps)
        except Exception as exc:  # a slow broker must not stop the timer
            log.debug("offsets of unfetched partitions: %s", exc)
            return
        committed = committed_offsets(consumer)
        for tp in tps:
            done = processed.get((tp.topic, tp.partition))
            position = done + 1 if done is not None else committed.get(tp) or starts.get(tp)
            if ends.get(tp) is not None:
                self._set_lag(tp, ends[tp], position)
