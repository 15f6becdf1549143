"""Bounded, event-time de-duplication of redelivered events.

Kafka delivers at least once, and producers retry: the same ``event_id`` may
arrive twice. A keyed processor that counts (seller, brand) keeps the ids it
applied within a horizon of event time (plus a hard cap on entries so one hot
key cannot grow without bound) and skips an id it has seen. One whose update
is idempotent (the image processor: minimums of times) needs none.

>>> d = Deduplicator(horizon=3600.0, max_entries=1000)
>>> d.first_time("e1", 0.0), d.first_time("e1", 10.0), d.first_time("e2", 20.0)
(True, False, True)
>>> d.first_time("e3", 7200.0)   # moves the horizon past e1 and e2
True
>>> len(d)
1
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Deduplicator"]


@dataclass(slots=True)
class Deduplicator:
    """Ids applied within ``horizon`` seconds of event time of the newest one.

    Ids are kept in arrival order too, so forgetting the expired ones costs
    only the ones forgotten (events arrive roughly in time order; one that
    arrives late is forgotten with the ids around it, a little later). The
    arrival queue holds the ids alone, their times being in ``seen``: a
    (time, id) pair per event would be one more object per event for the
    garbage collector to count and scan. Until the first pruning ``seen``
    itself is in arrival order (nothing was deleted from it yet), so the
    queue is only built then: most keys never get that far.
    """

    horizon: float = 7 * 86400.0
    max_entries: int = 50_000
    seen: dict[str, float] = field(default_factory=dict)
    newest: float = -1e18
    pruned_at: float = -1e18
    arrivals: deque[str] | None = None
    #: time of the id that arrived first of those kept (inf: none kept), so that each
    #: event costs one look-up in ``seen``, not two; derived, never serialised
    first_kept: float = field(default=math.inf, compare=False, repr=False)

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, horizon: float = 7 * 86400.0, max_entries: int = 50_000,
                 seen: dict[str, float] | None = None, newest: float = -1e18,
                 pruned_at: float = -1e18, arrivals: deque[str] | None = None,
                 first_kept: float = math.inf) -> None:
        self.horizon = horizon
        self.max_entries = max_entries
        self.seen = {} if seen is None else seen
        self.newest = newest
        self.pruned_at = pruned_at
        self.arrivals = arrivals
        self.first_kept = first_kept
        if self.seen and first_kept == math.inf:  # restored: ``seen`` is in arrival order
            first = arrivals[0] if arrivals else next(iter(self.seen))
            self.first_kept = self.seen[first]

    def __len__(self) -> int:
        return len(self.seen)

    def first_time(self, event_id: str, ts: float) -> bool:
        """Record ``event_id``; True if it was not seen within the horizon."""
        seen = self.seen
        if event_id in seen:
            return False
        seen[event_id] = ts
        if len(seen) == 1:
            self.first_kept = ts
        arrivals = self.arrivals
        if arrivals is not None:
            arrivals.append(event_id)
        if ts > self.newest:
            self.newest = ts
        if self.first_kept < self.newest - self.horizon or len(seen) > self.max_entries:
            self._prune()
        return True

    def _prune(self) -> None:
        self.pruned_at = self.newest
        floor = self.newest - self.horizon
        seen = self.seen
        if self.arrivals is None:
            # deleting from the front of a dict leaves holes that every later look at its
            # oldest entry would step over: from here on the queue keeps the order
            self.arrivals = deque(seen)
        arrivals = self.arrivals
        while arrivals and (seen.get(arrivals[0], -math.inf) < floor
                            or len(seen) > self.max_entries):
            seen.pop(arrivals.popleft(), None)
        self.first_kept = seen[arrivals[0]] if arrivals else math.inf

    def to_dict(self) -> dict[str, Any]:
        # ``seen`` in arrival order: restoring it restores the arrival queue
        return {"horizon": self.horizon, "max_entries": self.max_entries,
                "newest": self.newest, "pruned_at": self.pruned_at, "seen": self.seen}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deduplicator:
        seen = dict(data["seen"])
        return cls(horizon=data["horizon"], max_entries=data["max_entries"],
                   newest=data["newest"], pruned_at=data["pruned_at"], seen=seen)
