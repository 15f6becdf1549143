"""Write-behind cache of processor state over a Faust table.

Serialising a seller's whole state for every event would write megabytes of
changelog per second. Instead the agent keeps live state objects in memory,
marks the keys an event touched, and every flush writes each dirty key once
to the RocksDB-backed table (and so to its changelog). The agent acks its
events only after the flush that contains their effects, and Faust flushes
the producer before it commits offsets, so a crash replays at most the events
since the last flush; processors de-duplicate those by event id.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, Generic, Protocol, TypeVar

import orjson

__all__ = ["Serialisable", "StateCache"]


class Serialisable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


S = TypeVar("S", bound=Serialisable)


def _default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


class StateCache(Generic[S]):
    def __init__(self, table: MutableMapping[str, bytes], create: Callable[[str], S],
                 load: Callable[[dict[str, Any]], S]) -> None:
        self._table = table
        self._create = create
        self._load = load
        self._live: dict[str, S] = {}
        self._dirty: dict[int, set[str]] = {}

    def __len__(self) -> int:
        return len(self._live)

    @property
    def table(self) -> MutableMapping[str, bytes]:
        return self._table

    def get(self, key: str, partition: int) -> S:
        """The live state of ``key``, marked dirty for ``partition``'s next flush."""
        state = self._live.get(key)
        if state is None:
            raw = self._table.get(key)
            state = self._create(key) if raw is None else self._load(orjson.loads(raw))
            self._live[key] = state
        self._dirty.setdefault(partition, set()).add(key)
        return state

    def peek(self, key: str) -> S | None:
        """Read-only look-up for the web views (never marks dirty, never creates)."""
        state = self._live.get(key)
        if state is not None:
            return state
        raw = self._table.get(key)
        return None if raw is None else self._load(orjson.loads(raw))

    def dirty(self, partition: int) -> int:
        return len(self._dirty.get(partition, ()))

    def flush(self, partition: int) -> int:
        """Write ``partition``'s dirty keys to the table.

        Must run with a current Faust event of that partition: the RocksDB store
        and the changelog both file a key under the current event's partition.
        """
        written = 0
        for key in sorted(self._dirty.pop(partition, ())):
            state = self._live.get(key)
            if state is not None:
                self._table[key] = orjson.dumps(state.to_dict(), default=_default)
                written += 1
        return written

    def forget(self) -> None:
        """Drop in-memory copies and dirty marks (partitions revoked: the table and
        the re-read of uncommitted records rebuild them)."""
        self._live.clear()
        self._dirty.clear()

    def items(self) -> list[tuple[str, S]]:
        """Every state this worker holds: the table's, overridden by live copies."""
        found: dict[str, S] = {}
        for key, raw in list(self._table.items()):
            name = key.decode() if isinstance(key, bytes) else str(key)
            found[name] = self._load(orjson.loads(raw))
        found.update(self._live)
        return sorted(found.items())
