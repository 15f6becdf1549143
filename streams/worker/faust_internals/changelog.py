"""Table writes outside Faust's stream iteration, and their changelog records sent
through our own producer.

See the package docstring for the full reasons; in short:

- :func:`event_context` sets Faust's current event, which decides the partition a
  table write lands in (faust-streaming #497, #300: no public way to write a table
  outside the stream iteration).
- :class:`DirectChangelog` writes a table's RocksDB store and sends its changelog
  record through librdkafka, not Faust's one-record-per-loop-turn producer
  (faust-streaming has no batch changelog API).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from faust.streams import _current_event, current_event
from faust.types import TP, EventT

__all__ = ["DirectChangelog", "SendRecord", "event_context"]


@contextmanager
def event_context(event: EventT[bytes]) -> Iterator[None]:
    """Make ``event`` Faust's current event, so table writes land in its partition."""
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


#: produce one record: topic, value, key, partition, and what to call with its offset
SendRecord = Callable[[str, bytes, bytes, int, Callable[[int], None]], None]


class DirectChangelog:
    """Reads and writes a Faust table's RocksDB store by partition, and sends its
    changelog record ourselves.

    The partition is always known here (the current event's, or the caller's),
    so each access goes to that partition's database: Faust's ``Table.get``
    raises and catches a ``KeyError`` for every key it lacks, and its store
    keeps a key index we never read. What a store has applied of its changelog
    (``set_persisted_offset``) is written once per partition per write round,
    not once per delivered record: a store that says less than it has applied
    only replays a little more of its changelog at recovery.
    """

    def __init__(self, table: Any, send: SendRecord) -> None:
        self._store = table.data
        self._send = send
        self.topic: str = table.changelog_topic.get_topic_name()
        #: highest delivered changelog offset per partition, not yet written to its store
        self._applied: dict[int, int] = {}
        self._on_delivered: dict[int, Callable[[int], None]] = {}

    def databases(self) -> list[Any]:
        """The partitions' open RocksDB databases (for their memory figures)."""
        return list(self._store._dbs.values())

    def get(self, key: str, partition: int) -> bytes | None:
        """The stored value of ``key`` in ``partition``'s database (None: none)."""
        value: bytes | None = self._store._db_for_partition(partition).get(key.encode())
        return value

    def __setitem__(self, key: str, raw: bytes) -> None:
        event = current_event()
        if event is None:
            raise RuntimeError("a table write needs a current event (event_context)")
        partition: int = event.message.partition
        if self._applied:
            self.persist()
        self._store._db_for_partition(partition).put(key.encode(), raw)
        self._send(self.topic, raw, key.encode(), partition, self._delivered(partition))

    def persist(self) -> None:
        """Write the delivered changelog offsets to their stores."""
        applied = list(self._applied.items())
        self._applied.clear()  # in place: the delivery callbacks hold this dict
        for partition, offset in applied:
            self._store.set_persisted_offset(TP(self.topic, partition), offset)

    def _delivered(self, partition: int) -> Callable[[int], None]:
        remember = self._on_delivered.get(partition)
        if remember is None:
            applied = self._applied

            def remember(offset: int) -> None:
                if offset > applied.get(partition, -1):
                    applied[partition] = offset

            self._on_delivered[partition] = remember
        return remember
