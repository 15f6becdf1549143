"""Ack each topic-partition's records in offset order, never past one still held.

Faust commits the first run of consecutive acked offsets it holds, and only
refuses when that run starts two or more past the committed offset, or not at
all before the partition's first commit (faust-streaming 0.15
``Consumer._new_offset``). The seller agent finishes records out of offset
order: a record waiting in the event-time merger or at the epoch gate is
overtaken by a dead-lettered record, or by a later record whose epoch opens
first. Acking those as they finished let Faust commit past the waiting
record, and a clean stop then lost its effect for good: the restarted worker
started after it.

So a record is acked only when it and every record before it on its
topic-partition are done and their state is in the table. The age of the
oldest record still waiting is exported: a record that never finishes would
otherwise stop its partition's commits without a sign.

>>> from types import SimpleNamespace as Record
>>> acked = []
>>> def record(offset):
...     message = Record(topic="listings", partition=0, offset=offset)
...     return Record(message=message, ack=lambda: acked.append(offset))
>>> held, dead = record(7), record(8)
>>> acks = OrderedAcks()
>>> acks.received(held, now=100.0); acks.received(dead, now=100.5)
>>> acks.flushed(0, [dead]); acked
[]
>>> acks.oldest_age(now=130.0)
30.0
>>> acks.flushed(0, [held]); acked
[7, 8]
>>> acks.oldest_age(now=130.0)
0.0
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["Ackable", "OrderedAcks"]


class Ackable(Protocol):
    """A Faust event: its message's topic, partition and offset, and ``ack()``."""

    @property
    def message(self) -> Any: ...

    def ack(self) -> Any: ...


class OrderedAcks:
    def __init__(self) -> None:
        # per topic-partition, in read order: the record and when it was read
        self._waiting: dict[tuple[str, int], deque[tuple[Ackable, float]]] = {}
        self._flushed: dict[tuple[str, int], set[int]] = {}

    def received(self, event: Ackable, now: float) -> None:
        """Call for every record, in the order the agent reads them (``now``: monotonic).

        An offset at or below one already waiting means the consumer went back (its
        seek to the committed offset after a rebalance; records it had buffered before
        may still arrive after that): every record from there on comes again, so the
        older copies stop waiting. Kept, each copy of an offset would need its own
        ack while one ack clears the offset: the partition would stall for good.
        """
        msg = event.message
        tp = (msg.topic, msg.partition)
        queue = self._waiting.get(tp)
        if queue is None:
            queue = self._waiting[tp] = deque()
        elif queue and queue[-1][0].message.offset >= msg.offset:
            while queue and queue[-1][0].message.offset >= msg.offset:
                queue.pop()
            done = self._flushed.get(tp)
            if done:
                done.difference_update([o for o in done if o >= msg.offset])
        queue.append((event, now))

    def flushed(self, partition: int, events: Iterable[Ackable]) -> None:
        """``events`` of ``partition`` are done and their state is written: ack every
        record of the partition now at the head of its topic's line."""
        for event in events:
            msg = event.message
            self._flushed.setdefault((msg.topic, msg.partition), set()).add(msg.offset)
        for tp, queue in self._waiting.items():
            if tp[1] == partition:
                done = self._flushed.get(tp)
                while done and queue and queue[0][0].message.offset in done:
                    head = queue.popleft()[0]
                    done.discard(head.message.offset)
                    head.ack()

    def waiting(self) -> int:
        """Records read but not yet acked (held, or behind a held one)."""
        return sum(len(queue) for queue in self._waiting.values())

    def oldest_age(self, now: float) -> float:
        """Seconds since the oldest record still waiting for its ack was read (0: none)."""
        oldest = min((queue[0][1] for queue in self._waiting.values() if queue), default=now)
        return max(0.0, now - oldest)

    def forget(self) -> None:
        """Partitions revoked: Faust re-reads every unacked record from the commit."""
        self._waiting.clear()
        self._flushed.clear()
