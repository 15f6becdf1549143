"""Write-behind cache of processor state over a Faust table, bounded in memory.

Serialising a seller's whole state for every event would write megabytes of
changelog per second. Instead the agent keeps live state objects in memory,
marks the keys an event touched, and every flush writes each dirty key once
to the RocksDB-backed table (and so to its changelog). The agent acks its
events only after the flush that contains their effects, and Faust flushes
the producer before it commits offsets, so a crash replays at most the events
since the last flush; processors de-duplicate those by event id.

A flush is two steps: :meth:`StateCache.snapshot` serialises a partition's
dirty states as they are now, and :meth:`StateCache.write` puts them in the
table later, once the outputs of the events behind them are delivered. In the
other order a crash between the two would leave state that remembers an event
(so its redelivery is skipped as a duplicate) whose alerts never left.

At most ``capacity`` states stay live, and, with ``max_bytes``, at most that
many bytes of them as last serialised (a seller's state grows with its
listings, so a count alone does not bound memory). After a flush the least
recently used clean ones are dropped (a dirty one never is: its changes are
not in the table yet) and read back from RocksDB when their key comes again,
so memory follows the active population, not every seller ever seen.

>>> table: dict[str, bytes] = {}
>>> cache = StateCache(table, lambda key: {"key": key, "n": 0}, dict, capacity=2)
>>> for key in ("a", "b", "c"):
...     cache.get(key, partition=0)["n"] += 1
>>> len(cache), sorted(table)            # all live and dirty until the flush
(3, [])
>>> cache.flush(0), len(cache), cache.evicted
(3, 2, 1)
>>> cache.get("a", partition=0)          # read back from the table
{'key': 'a', 'n': 1}
>>> by_size = StateCache({}, lambda key: {"key": key}, dict, max_bytes=30)
>>> for key in ("a", "b", "c"):
...     _ = by_size.get(key, partition=0)
>>> by_size.flush(0), len(by_size), by_size.bytes   # 11 bytes each: two fit in 30
(3, 2, 22)
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, Generic, Protocol, TypeVar

import orjson

__all__ = ["Serialisable", "StateCache"]


class Serialisable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


S = TypeVar("S")


class _Writer(Protocol):
    def __setitem__(self, key: str, raw: bytes) -> None: ...

#: read one key's stored state from the store of a known partition
Reader = Callable[[str, int], "bytes | None"]


def _default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _encode(state: Any) -> bytes:
    data = state.to_dict() if hasattr(state, "to_dict") else state
    return orjson.dumps(data, default=_default)


class StateCache(Generic[S]):
    def __init__(self, table: MutableMapping[str, bytes], create: Callable[[str], S],
                 load: Callable[[dict[str, Any]], S], capacity: int = 200_000,
                 writer: _Writer | None = None, reader: Reader | None = None,
                 max_bytes: int | None = None) -> None:
        """``writer``: where :meth:`write` puts a state (default: ``table`` itself);
        ``reader``: where :meth:`get` reads a state it does not hold (default: ``table``);
        ``max_bytes``: bound on the live states' serialised size (None: count only)."""
        self._table = table
        self._writer: _Writer = table if writer is None else writer
        self._read: Reader = reader or (lambda key, partition: table.get(key))
        self._create = create
        self._load = load
        self.capacity = capacity
        self.max_bytes = max_bytes
        #: serialised size of each live state, as last written or read (new ones: 0)
        self._sizes: dict[str, int] = {}
        #: their sum: what ``max_bytes`` bounds
        self.bytes = 0
        #: live states, least recently used first
        self._live: dict[str, S] = {}
        self._dirty: dict[int, set[str]] = {}
        #: keys in snapshots not yet written: never evicted (the table is behind)
        self._unwritten: dict[str, int] = {}
        #: states dropped from memory so far (they stay in the table)
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._live)

    @property
    def table(self) -> MutableMapping[str, bytes]:
        return self._table

    def get(self, key: str, partition: int) -> S:
        """The live state of ``key``, marked dirty for ``partition``'s next flush."""
        state = self._live.pop(key, None)
        if state is None:
            raw = self._read(key, partition)
            state = self._create(key) if raw is None else self._load(orjson.loads(raw))
            self._resize(key, 0 if raw is None else len(raw))
        self._live[key] = state  # now the most recently used
        dirty = self._dirty.get(partition)
        if dirty is None:
            dirty = self._dirty[partition] = set()
        dirty.add(key)
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
        """Write ``partition``'s dirty keys to the table now (snapshot, then write)."""
        return self.write(self.snapshot(partition))

    def snapshot(self, partition: int) -> list[tuple[str, bytes]]:
        """``partition``'s dirty states, serialised as they are now; no longer dirty."""
        taken: list[tuple[str, bytes]] = []
        for key in sorted(self._dirty.pop(partition, ())):
            state = self._live.get(key)
            if state is not None:
                raw = _encode(state)
                taken.append((key, raw))
                self._resize(key, len(raw))
                self._unwritten[key] = self._unwritten.get(key, 0) + 1
        return taken

    def write(self, snapshot: list[tuple[str, bytes]]) -> int:
        """Put a snapshot in the table, then trim the live states to ``capacity``.

        Must run with a current Faust event of the snapshot's partition: the
        RocksDB store and the changelog both file a key under that partition.
        """
        for key, raw in snapshot:
            self._writer[key] = raw
            left = self._unwritten[key] - 1
            if left:
                self._unwritten[key] = left
            else:
                del self._unwritten[key]
        self._trim()
        return len(snapshot)

    def _resize(self, key: str, size: int) -> None:
        self.bytes += size - self._sizes.get(key, 0)
        self._sizes[key] = size

    def _over(self, excess: int) -> bool:
        return excess > 0 or (self.max_bytes is not None and self.bytes > self.max_bytes)

    def _trim(self) -> None:
        excess = len(self._live) - self.capacity
        if not self._over(excess):
            return
        dirty: set[str] = set().union(*self._dirty.values(), self._unwritten)
        victims: list[str] = []
        for key in self._live:  # oldest first
            if not self._over(excess):
                break
            if key not in dirty:
                victims.append(key)
                excess -= 1
                self.bytes -= self._sizes.pop(key, 0)
        for key in victims:
            del self._live[key]
        self.evicted += len(victims)

    def forget(self) -> None:
        """Drop in-memory copies and dirty marks (partitions revoked: the table and
        the re-read of uncommitted records rebuild them)."""
        self._live.clear()
        self._dirty.clear()
        self._unwritten.clear()
        self._sizes.clear()
        self.bytes = 0

    def items(self) -> list[tuple[str, S]]:
        """Every state this worker holds: the table's, overridden by live copies."""
        found: dict[str, S] = {}
        for key, raw in list(self._table.items()):
            name = key.decode() if isinstance(key, bytes) else str(key)
            found[name] = self._load(orjson.loads(raw))
        found.update(self._live)
        return sorted(found.items())
