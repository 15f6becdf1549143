"""Python's cyclic garbage collector, set for a heap that is large and long-lived.

What the worker keeps in memory for minutes or hours, the live states, the
records held at the epoch gate and the model, is millions of container
objects. CPython's default thresholds, (700, 10, 10), start a full collection,
which walks every one of them, once ten middle collections have passed and
the old generation has grown by a quarter since the last one. On a growing
heap (a catch-up, a rising seller population) that is every few seconds, and
each full collection stops the event loop for most of a second to find
almost nothing: those objects are alive. The young collections, which find
the short-lived cycles (futures, tracebacks), are left as they are.

``BRANDGUARD_GC_THRESHOLDS`` sets the three thresholds. The default,
(700, 100, 100), runs a middle collection every 100 young ones and a full one
every 100 middle ones at most; CPython still waits for the quarter's growth.
Every collection's pause is timed, and the worker's timer moves the times
into ``brandguard_gc_pause_seconds`` by generation, so a heap that needs full
collections more often shows up there and in the resident memory. (A
collection can start inside any allocation, even one made while a metric's
lock is held, so the collector's callback only appends to a queue.)

>>> import gc
>>> before = gc.get_threshold()
>>> tuning = CollectorTuning((700, 100, 100))
>>> tuning.install()
>>> gc.get_threshold()
(700, 100, 100)
>>> _ = gc.collect(1)
>>> 1 in {generation for generation, seconds in tuning.pauses()}
True
>>> tuning.remove()
>>> gc.get_threshold() == before
True
"""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

__all__ = ["CollectorTuning", "parse_thresholds"]


def parse_thresholds(raw: str) -> tuple[int, int, int]:
    """Three positive integers, comma separated (``gc.set_threshold``'s arguments).

    >>> parse_thresholds("700, 100,100")
    (700, 100, 100)
    >>> parse_thresholds("700,10")
    Traceback (most recent call last):
    ...
    ValueError: three positive integers, young,middle,old; got '700,10'
    """
    parts = raw.split(",")
    try:
        values = tuple(int(part) for part in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) < 1:
        raise ValueError(f"three positive integers, young,middle,old; got {raw!r}")
    return values[0], values[1], values[2]


class CollectorTuning:
    """Sets the thresholds and times each collection until :meth:`remove`."""

    def __init__(self, thresholds: tuple[int, int, int], keep: int = 10_000) -> None:
        """``keep``: most pause times held between two :meth:`pauses` (the oldest go)."""
        self.thresholds = thresholds
        self._before: tuple[int, int, int] | None = None
        self._started = 0.0
        self._pauses: deque[tuple[int, float]] = deque(maxlen=keep)

    def install(self) -> None:
        if self._before is not None:
            return
        self._before = gc.get_threshold()
        gc.set_threshold(*self.thresholds)
        gc.callbacks.append(self._callback)

    def remove(self) -> None:
        if self._before is None:
            return
        gc.set_threshold(*self._before)
        self._before = None
        gc.callbacks.remove(self._callback)

    def pauses(self) -> list[tuple[int, float]]:
        """(generation, seconds) of each collection since the last call."""
        taken: list[tuple[int, float]] = []
        while self._pauses:
            taken.append(self._pauses.popleft())
        return taken

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self._pauses.append((info["generation"], time.perf_counter() - self._started))
