"""Event-time sliding-window counters in fixed buckets.

A window of ``span`` seconds is kept as buckets of ``span / n`` seconds. The
final state depends only on the *set* of events seen, not their order: an
event older than the retention of the newest event time seen is ignored, and
buckets that fall out of that retention are dropped. Live Kafka processing
(where topics interleave differently) and offline replay therefore end with
identical counters.

>>> w = WindowCounter.create(span=3600, buckets=12)
>>> for t in (0, 100, 1000, 3500):
...     w.add(t)
>>> w.total(at=3500)
4
>>> w.total(at=4000)   # the events at 0 and 100 have left the last hour
2
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DistinctWindow", "WindowCounter"]


@dataclass(slots=True)
class WindowCounter:
    """Count (or sum) of events in a sliding event-time window."""

    span: float
    width: float
    counts: dict[int, float] = field(default_factory=dict)
    newest: float = -1e18  # finite, so the state stays valid JSON
    #: at most the oldest bucket held (-inf: not known), so pruning skips a window that
    #: has nothing old enough to drop; not state, only a shortcut (never serialised)
    oldest: float = field(default=-math.inf, compare=False, repr=False)
    #: the last bucket out of the window of ``newest``: derived, never serialised
    floor: int = field(init=False, compare=False, repr=False)

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, span: float, width: float, counts: dict[int, float] | None = None,
                 newest: float = -1e18, oldest: float = -math.inf) -> None:
        self.span = span
        self.width = width
        self.counts = {} if counts is None else counts
        self.newest = newest
        self.oldest = oldest
        self.floor = int((newest - span) // width)

    @classmethod
    def create(cls, span: float, buckets: int) -> WindowCounter:
        return cls(span=span, width=span / buckets)

    def add(self, ts: float, amount: float = 1.0) -> None:
        width = self.width
        floor = self.floor
        if ts > self.newest:
            self.newest = ts
            before, floor = floor, int((ts - self.span) // width)
            if floor != before:
                self.floor = floor
                if self.oldest <= floor:
                    self._prune(floor)  # only when a bucket left the window
        bucket = int(ts // width)
        if bucket <= floor:
            return  # older than the window of the newest event: never visible again
        counts = self.counts
        counts[bucket] = counts.get(bucket, 0.0) + amount
        if bucket < self.oldest:
            self.oldest = float(bucket)

    def _prune(self, floor: int) -> None:
        counts = self.counts
        for b in [b for b in counts if b <= floor]:
            del counts[b]
        self.oldest = min(counts, default=math.inf)

    def total(self, at: float) -> int | float:
        """Sum over buckets inside ``(at - span, at]``, at bucket resolution."""
        span, width, newest = self.span, self.width, self.newest
        lo = int((at - span) // width)
        if at >= newest and (lo == self.floor or self.oldest > lo):
            # asked at (or after) the newest time with every bucket still inside: all of it
            value = sum(self.counts.values())
        else:
            hi = int(at // width)
            value = sum(c for b, c in self.counts.items() if lo < b <= hi)
        return int(value) if value == int(value) else value

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span, "width": self.width, "newest": self.newest,
                "counts": sorted(self.counts.items())}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WindowCounter:
        return cls(span=data["span"], width=data["width"], newest=data["newest"],
                   counts={int(b): float(c) for b, c in data["counts"]})


@dataclass(slots=True)
class DistinctWindow:
    """Distinct values seen in a sliding event-time window.

    >>> d = DistinctWindow.create(span=86400, buckets=24)
    >>> d.add(0, "nike"); d.add(10, "nike"); d.add(7200, "acme")
    >>> d.distinct(at=7200)
    2
    >>> d.distinct(at=90000)
    1
    """

    span: float
    width: float
    buckets: dict[int, set[str]] = field(default_factory=dict)
    newest: float = -1e18  # finite, so the state stays valid JSON
    #: as WindowCounter.oldest
    oldest: float = field(default=-math.inf, compare=False, repr=False)
    #: as WindowCounter.floor
    floor: int = field(init=False, compare=False, repr=False)

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, span: float, width: float, buckets: dict[int, set[str]] | None = None,
                 newest: float = -1e18, oldest: float = -math.inf) -> None:
        self.span = span
        self.width = width
        self.buckets = {} if buckets is None else buckets
        self.newest = newest
        self.oldest = oldest
        self.floor = int((newest - span) // width)

    @classmethod
    def create(cls, span: float, buckets: int) -> DistinctWindow:
        return cls(span=span, width=span / buckets)

    def add(self, ts: float, value: str) -> None:
        width, buckets = self.width, self.buckets
        floor = self.floor
        if ts > self.newest:
            self.newest = ts
            before, floor = floor, int((ts - self.span) // width)
            if floor != before:
                self.floor = floor
                if self.oldest <= floor:  # only when a bucket left the window
                    for b in [b for b in buckets if b <= floor]:
                        del buckets[b]
                    self.oldest = min(buckets, default=math.inf)
        bucket = int(ts // width)
        if bucket <= floor:
            return
        values = buckets.get(bucket)
        if values is None:
            values = buckets[bucket] = set()
            if bucket < self.oldest:
                self.oldest = float(bucket)
        values.add(value)

    def values(self, at: float) -> set[str]:
        span, width, newest = self.span, self.width, self.newest
        lo = int((at - span) // width)
        if at >= newest and lo == self.floor:
            return set().union(*self.buckets.values())  # asked at the newest time: all of it
        hi = int(at // width)
        out: set[str] = set()
        for b, vals in self.buckets.items():
            if lo < b <= hi:
                out |= vals
        return out

    def distinct(self, at: float) -> int:
        return len(self.values(at))

    def bucket_total(self, at: float) -> int:
        """Distinct values per bucket, summed over the window: with hour buckets, the
        sum of each hour's distinct count (a value seen in three hours counts three times).

        >>> d = DistinctWindow.create(span=3 * 3600, buckets=3)
        >>> d.add(0, "a"); d.add(10, "a"); d.add(3600, "a"); d.add(3600, "b")
        >>> d.distinct(at=3600), d.bucket_total(at=3600)
        (2, 3)
        """
        lo = int((at - self.span) // self.width)
        hi = int(at // self.width)
        return sum(len(vals) for b, vals in self.buckets.items() if lo < b <= hi)

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span, "width": self.width, "newest": self.newest,
                "buckets": [[b, sorted(v)] for b, v in sorted(self.buckets.items())]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DistinctWindow:
        return cls(span=data["span"], width=data["width"], newest=data["newest"],
                   buckets={int(b): set(v) for b, v in data["buckets"]})
