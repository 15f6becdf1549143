"""When a partition's changed states are written (and its finished records acked).

A flush serialises every state the partition changed since the last one, so
its cost is the number of flushes times the states each one touches. On a
live stream a short interval costs little (few states change in two seconds)
and keeps acks, commits and the replay after a crash short. During a
catch-up nearly every state of the partition changes between two flushes, and
a whole-state serialisation per state per flush was a fifth of the worker's
main thread on a 12-day backlog (``docs/performance.md``): there a longer
interval writes each state once where it wrote it five times, for the same
guarantees (records are still acked only after the flush that holds their
effects; a crash re-reads more records, which processors de-duplicate).

>>> timing = FlushTiming(interval=2.0, every=2000, catchup_interval=10.0)
>>> timing.due(pending=10, since_last=2.5, catching_up=False)
True
>>> timing.due(pending=10, since_last=2.5, catching_up=True)
False
>>> timing.due(pending=10, since_last=None, catching_up=True)   # never flushed
True

``every`` bounds the records waiting for a flush per second of interval, so a
catch-up may hold five times as many as a live stream does:

>>> timing.due(pending=2000, since_last=0.1, catching_up=False)
True
>>> timing.due(pending=2000, since_last=0.1, catching_up=True)
False
>>> timing.due(pending=10_000, since_last=0.1, catching_up=True)
True
>>> timing.due(pending=0, since_last=60.0, catching_up=False)   # nothing to write
False
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FlushTiming"]


@dataclass(frozen=True)
class FlushTiming:
    """``interval`` seconds between flushes of a partition that is caught up, or
    ``every`` finished records if they come first; ``catchup_interval`` (and as
    many more records) while it has a backlog. None: the live interval always."""

    interval: float = 2.0
    every: int = 2000
    catchup_interval: float | None = None

    def due(self, pending: int, since_last: float | None, catching_up: bool) -> bool:
        """Whether ``pending`` finished records, ``since_last`` seconds after the
        partition's last flush (None: never flushed), call for a flush now."""
        if pending <= 0:
            return False
        interval, every = self.interval, self.every
        if catching_up and self.catchup_interval is not None and self.interval > 0:
            every = round(every * self.catchup_interval / self.interval)
            interval = self.catchup_interval
        return pending >= every or since_last is None or since_last >= interval
