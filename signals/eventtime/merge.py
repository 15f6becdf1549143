"""Event-time merge of several time-ordered inputs (Kafka Streams' task idling).

A seller's listings, orders and reports arrive on three topics that a consumer
reads independently, so a batch of listings can overtake the reports filed
before them. The merger holds records back until every other input has shown
a later event time, or has been silent for ``idle_after`` seconds of wall
clock, and then releases them in event-time order. Replay reads one file in
order, so this is what lets live processing see what replay sees.

"Silent" must not mean "the consumer happened to hand us another topic's
batch", so the caller says what it knows of each source's end in Kafka
(:meth:`set_backlog`), as Kafka Streams does for ``max.task.idle.ms``:

- records still waiting in Kafka: the source is waited for (up to ``max_wait``
  seconds of silence, so a stuck input cannot stall the others for ever);
- caught up, every record up to the end the last fetch saw handed over: only
  records produced since can come, so a record waits at most ``grace`` seconds
  from its own arrival, the skew between topics' producers it tolerates (or
  less, if that input has been silent for ``idle_after``);
- unknown (no fetch answer yet): the source must have been silent for
  ``idle_after`` seconds.

The clock is passed in: the core never reads it.

A record that arrives older than one already released is processed out of
event-time order: its producer sent it late, or a wall-clock wait ran out
before it came. :attr:`late` counts them (not a count of differences from a
replay, which takes late records in the order they were sent):

>>> m = EventTimeMerger(("listings", "reports"), idle_after=1.0, now=0.0)
>>> m.push("listings", 10.0, "L10", now=0.0), m.poll(now=2.0)
([], ['L10'])
>>> m.push("reports", 5.0, "R5", now=2.1), m.late
(['R5'], 1)

>>> m = EventTimeMerger(("listings", "reports"), idle_after=1.0, now=0.0)
>>> m.push("listings", 10.0, "L10", now=0.0)
[]
>>> m.push("listings", 30.0, "L30", now=0.0)
[]
>>> m.push("reports", 20.0, "R20", now=0.1)
['L10', 'R20']
>>> m.poll(now=5.0)      # reports has been silent for longer than idle_after
['L30']

A source with records still waiting in Kafka is waited for, however long it is
silent (up to ``max_wait``):

>>> m = EventTimeMerger(("listings", "reports"), idle_after=1.0, now=0.0, max_wait=30.0)
>>> m.set_backlog("reports", True)
>>> m.push("listings", 10.0, "L10", now=0.0), m.poll(now=5.0), m.poll(now=31.0)
([], [], ['L10'])

A caught-up source holds a record for ``grace`` seconds after it arrived at most,
however recently that source spoke:

>>> m = EventTimeMerger(("listings", "reports"), idle_after=1.0, now=0.0, grace=0.05)
>>> m.set_backlog("reports", False); m.set_backlog("listings", False)
>>> m.push("reports", 9.0, "R9", now=0.0), m.push("listings", 10.0, "L10", now=0.01)
([], ['R9'])
>>> m.poll(now=0.05), m.poll(now=0.07)
([], ['L10'])
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from typing import Generic, TypeVar

__all__ = ["EventTimeMerger"]

T = TypeVar("T")


class EventTimeMerger(Generic[T]):
    def __init__(self, sources: Iterable[str], idle_after: float, now: float,
                 max_buffered: int = 100_000, max_wait: float = 30.0,
                 grace: float | None = None) -> None:
        """``grace``: how long a record waits for a caught-up source (None: as for an
        unknown one, ``idle_after`` of that source's silence)."""
        self.idle_after = idle_after
        self.max_buffered = max_buffered
        self.max_wait = max_wait
        self.grace = grace
        self._newest: dict[str, float] = {s: float("-inf") for s in sources}
        self._heard: dict[str, float] = dict.fromkeys(self._newest, now)
        self._backlog: dict[str, bool | None] = dict.fromkeys(self._newest, None)
        #: (event time, arrival order, source, arrival time, record)
        self._heap: list[tuple[float, int, str, float, T]] = []
        self._seq = itertools.count()
        #: the newest event time released so far
        self._released = float("-inf")
        #: records that arrived older than one already released (out of order)
        self.late = 0

    def __len__(self) -> int:
        return len(self._heap)

    def set_backlog(self, source: str, waiting: bool | None) -> None:
        """Whether ``source`` has records in Kafka this consumer has not seen yet
        (None: not known yet)."""
        self._backlog[source] = waiting

    def push(self, source: str, ts: float, item: T, now: float) -> list[T]:
        """Buffer one record; return every record now safe to process, oldest first."""
        self.add(source, ts, item, now)
        return self.poll(now)

    def add(self, source: str, ts: float, item: T, now: float) -> None:
        """Buffer one record of a batch without releasing anything: call :meth:`poll`
        once the whole batch is in. Records handed over together arrived together,
        so none of them may go on because another input was silent until a record
        later in the same batch.

        >>> m = EventTimeMerger(("orders", "reports"), idle_after=0.5, now=0.0)
        >>> m.add("orders", 20.0, "O20", now=1.0); m.add("reports", 5.0, "R5", now=1.0)
        >>> m.poll(now=1.0), m.late      # R5 first; O20 waits for reports again
        (['R5'], 0)
        """
        if source not in self._newest:
            self._newest[source] = float("-inf")
        self._newest[source] = max(self._newest[source], ts)
        self._heard[source] = now
        if ts < self._released:
            self.late += 1
        heapq.heappush(self._heap, (ts, next(self._seq), source, now, item))

    def poll(self, now: float) -> list[T]:
        released: list[T] = []
        while self._heap:
            ts, _, source, arrived, item = self._heap[0]
            if len(self._heap) <= self.max_buffered and not self._clear(source, ts, now,
                                                                        arrived):
                break
            heapq.heappop(self._heap)
            released.append(item)
            if ts > self._released:
                self._released = ts
        return released

    def _clear(self, source: str, ts: float, now: float, arrived: float) -> bool:
        """No other input can still deliver something older than ``ts``."""
        for other, newest in self._newest.items():
            if other == source or newest >= ts:
                continue
            backlog = self._backlog.get(other)
            silence = now - self._heard[other]
            if backlog is False and self.grace is not None:
                # whichever comes first: the grace, or the silence of an idle input
                if now - arrived < self.grace and silence < self.idle_after:
                    return False
                continue
            if silence < (self.max_wait if backlog else self.idle_after):
                return False
        return True

    def drain(self) -> list[T]:
        """Everything still buffered, oldest first (on shutdown or revocation)."""
        ordered = sorted(self._heap, key=lambda e: (e[0], e[1]))
        self._heap.clear()
        if ordered and ordered[-1][0] > self._released:
            self._released = ordered[-1][0]
        return [entry[-1] for entry in ordered]
