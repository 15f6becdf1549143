"""Low watermarks over many sources, and a gate that holds items until one passes.

Live, seller partitions tell every image partition how far they have got
("everything before epoch N is done"), and image partitions pass the same on
to every seller partition once all of theirs have. A seller partition holds
an event of epoch N until its watermark reaches N, so the seller-network news
it counts is the same as replay's however the partitions interleave.

A source that has nothing to read says so (``idle``); it stops holding the
others back, as an idle input does for Flink's watermarks. If every source is
idle, the watermark stays where the last active one left it.

>>> w = LowWatermark(sources=2)
>>> w.low, w.advance(0, 5), w.low
(None, False, None)
>>> w.advance(1, 3), w.low
(True, 3)
>>> w.advance(1, 9, idle=True), w.low       # only source 0 still counts
(True, 5)
>>> w.advance(0, 4)                         # a watermark never goes back
False

>>> gate = EpochGate[str]()
>>> gate.push(3, "a"), gate.push(4, "b"), gate.head_epoch
(None, None, 3)
>>> gate.release(until=3), gate.release(until=9)
(['a'], ['b'])
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

__all__ = ["EpochGate", "LowWatermark"]

T = TypeVar("T")


class LowWatermark:
    """The epoch every source has finished, from each source's latest mark."""

    def __init__(self, sources: int) -> None:
        self.sources = sources
        self._until: dict[int, int] = {}
        self._idle: set[int] = set()
        self.low: int | None = None

    def advance(self, source: int, until: int, idle: bool = False) -> bool:
        """Record a source's mark; whether the low watermark moved forward."""
        if not 0 <= source < self.sources:
            raise ValueError(f"source {source} outside 0..{self.sources - 1}")
        self._until[source] = until
        if idle:
            self._idle.add(source)
        else:
            self._idle.discard(source)
        if len(self._until) < self.sources:
            return False  # a source never heard from may still hold anything back
        active = [u for s, u in self._until.items() if s not in self._idle]
        candidate = min(active) if active else max(self._until.values())
        if self.low is not None and candidate <= self.low:
            return False
        self.low = candidate
        return True


class EpochGate(Generic[T]):
    """Items in arrival order, each let through once the watermark reaches its epoch."""

    def __init__(self) -> None:
        self._items: deque[tuple[int, T]] = deque()
        #: epoch of the newest item let through so far
        self.released_epoch: int | None = None

    def __len__(self) -> int:
        return len(self._items)

    @property
    def head_epoch(self) -> int | None:
        return self._items[0][0] if self._items else None

    def push(self, epoch: int, item: T) -> None:
        self._items.append((epoch, item))

    def release(self, until: int | None, force: int = 0) -> list[T]:
        """Items from the front whose epoch is at most ``until`` (plus ``force`` more)."""
        out: list[T] = []
        while self._items and (force > 0 or (until is not None and self._items[0][0] <= until)):
            if until is None or self._items[0][0] > until:
                force -= 1
            epoch, item = self._items.popleft()
            self._note(epoch)
            out.append(item)
        return out

    def drain(self) -> list[T]:
        for epoch, _ in self._items:
            self._note(epoch)
        out = [item for _, item in self._items]
        self._items.clear()
        return out

    def _note(self, epoch: int) -> None:
        if self.released_epoch is None or epoch > self.released_epoch:
            self.released_epoch = epoch
