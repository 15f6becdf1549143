"""Outputs a topic refused, kept in produce order until it takes records again.

When the alerts or dead-letter topic is deleted, or the worker's principal is
denied writing to it, librdkafka reports each record it could not deliver.
Those records are parked here, with every record produced to that topic after
them, and tried again one at a time: the oldest goes out alone (a probe), after
a delay that doubles with each refusal (:class:`Backoff`); once the broker takes
it, the rest follow in their original order. Parking by produce number keeps a
topic's records in the order they were produced, whichever order their
failures were reported in (records already in flight when the first refusal
came, to a partition the broker still took, may land before the held ones:
consumers key on ``alert_id``, not on order). While anything is parked, the events behind it are
not acked (``delivery.OutputProducer.delivered``), so no offset is committed
past them.

>>> outage = Outage("alerts", started=100.0, backoff=Backoff(1.0, 8.0))
>>> outage.park(Record(7, "alerts", b"b")); outage.park(Record(5, "alerts", b"a"))
>>> outage.refused(100.0, "unknown topic"); outage.due(100.5), outage.due(101.0)
(False, True)
>>> outage.probe().value, outage.parked()
(b'a', 1)
>>> outage.probe_refused(Record(5, "alerts", b"a"), 101.0, "unknown topic")
>>> outage.next_at, outage.parked()                           # it waits 2 s more now
(103.0, 2)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Backoff", "Outage", "Record"]


@dataclass(order=True)
class Record:
    """One output as it was sent (its produce number orders the parked ones)."""

    number: int
    topic: str = field(compare=False)
    value: bytes = field(compare=False)
    key: bytes | None = field(default=None, compare=False)
    partition: int | None = field(default=None, compare=False)
    on_delivered: Callable[[int], None] | None = field(default=None, compare=False)
    headers: list[tuple[str, bytes | None]] | None = field(default=None, compare=False)
    timestamp_ms: int = field(default=0, compare=False)


class Backoff:
    """Waits that double after each refusal, from ``first`` up to ``longest`` seconds.

    >>> backoff = Backoff(1.0, 8.0)
    >>> [backoff.next() for _ in range(5)]
    [1.0, 2.0, 4.0, 8.0, 8.0]
    """

    def __init__(self, first: float, longest: float) -> None:
        self._longest = longest
        self._delay = first

    def next(self) -> float:
        delay = self._delay
        self._delay = min(self._longest, delay * 2)
        return delay


@dataclass
class Outage:
    """A topic that refuses records: what is parked, and when to try again."""

    topic: str
    started: float
    backoff: Backoff
    next_at: float = 0.0
    attempts: int = 0
    last_error: str = ""
    #: produce number of the record in flight as a probe, if any
    probing: int | None = None
    _parked: list[Record] = field(default_factory=list)

    def park(self, record: Record) -> None:
        heapq.heappush(self._parked, record)

    def refused(self, now: float, reason: str) -> None:
        """The first refusal: the first probe goes out after the shortest wait."""
        self.last_error = reason
        self.next_at = now + self.backoff.next()

    def due(self, now: float) -> bool:
        return self.probing is None and bool(self._parked) and now >= self.next_at

    def probe(self) -> Record:
        """The oldest parked record, to produce alone."""
        record = heapq.heappop(self._parked)
        self.probing = record.number
        self.attempts += 1
        return record

    def probe_refused(self, record: Record, now: float, reason: str) -> None:
        self.probing = None
        self.park(record)
        self.last_error = reason
        self.next_at = now + self.backoff.next()

    def release(self) -> list[Record]:
        """Everything parked, in produce order (the topic took the probe)."""
        records = sorted(self._parked)
        self._parked.clear()
        return records

    def parked(self) -> int:
        return len(self._parked)
