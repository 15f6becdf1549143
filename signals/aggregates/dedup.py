"""Bounded, event-time de-duplication of redelivered events.

Kafka delivers at least once, and producers retry: the same ``event_id`` may
arrive twice. Each keyed processor keeps the ids it applied within a horizon
of event time (plus a hard cap on entries so one hot key cannot grow without
bound) and skips an id it has seen.

>>> d = Deduplicator(horizon=3600.0, max_entries=1000)
>>> d.first_time("e1", 0.0), d.first_time("e1", 10.0), d.first_time("e2", 20.0)
(True, False, True)
>>> d.first_time("e3", 7200.0)   # moves the horizon past e1 and e2
True
>>> len(d)
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Deduplicator"]


@dataclass(slots=True)
class Deduplicator:
    horizon: float = 7 * 86400.0
    max_entries: int = 50_000
    seen: dict[str, float] = field(default_factory=dict)
    newest: float = -1e18
    pruned_at: float = -1e18

    def __len__(self) -> int:
        return len(self.seen)

    def first_time(self, event_id: str, ts: float) -> bool:
        """Record ``event_id``; True if it was not seen within the horizon."""
        if event_id in self.seen:
            return False
        self.seen[event_id] = ts
        if ts > self.newest:
            self.newest = ts
        # Pruning is O(entries): do it when the horizon has moved a sixteenth on.
        if len(self.seen) > self.max_entries or self.newest - self.pruned_at > self.horizon / 16:
            self._prune()
        return True

    def _prune(self) -> None:
        self.pruned_at = self.newest
        floor = self.newest - self.horizon
        self.seen = {k: t for k, t in self.seen.items() if t >= floor}
        if len(self.seen) > self.max_entries:
            # Keep the newest ids: a redelivery of a very old one is the least likely.
            keep = sorted(self.seen.items(), key=lambda kv: (kv[1], kv[0]))[-self.max_entries:]
            self.seen = dict(keep)

    def to_dict(self) -> dict[str, Any]:
        return {"horizon": self.horizon, "max_entries": self.max_entries,
                "newest": self.newest, "pruned_at": self.pruned_at, "seen": self.seen}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deduplicator:
        return cls(horizon=data["horizon"], max_entries=data["max_entries"],
                   newest=data["newest"], pruned_at=data["pruned_at"], seen=dict(data["seen"]))
