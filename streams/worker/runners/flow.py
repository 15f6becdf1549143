"""Read-ahead per seller partition: stop fetching a partition whose gate is full.

While other partitions catch up, a partition's records wait at the epoch gate,
and reading on would hold the whole backlog in memory. But stopping the seller
agent altogether starves the event-time mergers of the *other* partitions,
which need their next record to release anything, so no partition could
announce progress and every gate would wait for its timeout. So only the input
topic-partitions of a partition whose gate holds ``limit`` records are paused
(Faust's consumer stops fetching them), and they are resumed once the gate is
back under half of that. Network facts and marks are never paused: they are
what empties the gates. :class:`FaustFlow` pauses and resumes them through
Faust's consumer.

>>> paused = []
>>> flow = ReadAhead(("listings", "orders"), limit=4,
...                  pause=lambda tps: paused.extend(tps), resume=lambda tps: paused.clear())
>>> flow.update({0: 4, 1: 1}); sorted(paused)
[('listings', 0), ('orders', 0)]
>>> flow.update({0: 3, 1: 1}); sorted(set(paused))      # above half: stays paused
[('listings', 0), ('orders', 0)]
>>> flow.update({0: 1, 1: 1}); paused, flow.paused
([], set())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import faust
from faust.types import TP

__all__ = ["FaustFlow", "ReadAhead"]

TopicPartition = tuple[str, int]


class ReadAhead:
    def __init__(self, topics: Iterable[str], limit: int,
                 pause: Callable[[list[TopicPartition]], None],
                 resume: Callable[[list[TopicPartition]], None]) -> None:
        self.topics = tuple(topics)
        self.limit = limit
        self._pause = pause
        self._resume = resume
        #: partitions whose inputs are paused
        self.paused: set[int] = set()

    def update(self, held: Mapping[int, int]) -> None:
        """``held``: records at each partition's gate now. A paused partition is paused
        again each time: Faust's own flow control may have resumed it meanwhile."""
        for partition, count in held.items():
            if count >= self.limit or (partition in self.paused and count >= self.limit // 2):
                self.paused.add(partition)
                self._pause(self._tps(partition))
            elif partition in self.paused:
                self.paused.discard(partition)
                self._resume(self._tps(partition))

    def forget(self) -> None:
        """Partitions revoked: the consumer forgets its pauses too."""
        self.paused.clear()

    def _tps(self, partition: int) -> list[TopicPartition]:
        return [(topic, partition) for topic in self.topics]


class FaustFlow:
    """Pauses and resumes topic-partitions with Faust's own flow control."""

    def __init__(self, app: faust.App) -> None:
        """``app``: its consumer is looked up when used (Faust builds it on first use)."""
        self.app = app

    def pause(self, tps: list[TopicPartition]) -> None:
        # Faust's own flow control, not pause_partitions: records already fetched for
        # a paused partition are dropped by Consumer.getmany (aiokafka has moved past
        # them), and the partition stalls until a restart. A "buffered" one keeps them.
        for topic, partition in tps:
            self.app.consumer.on_buffer_full(TP(topic, partition))

    def resume(self, tps: list[TopicPartition]) -> None:
        for topic, partition in tps:
            self.app.consumer.on_buffer_drop(TP(topic, partition))
