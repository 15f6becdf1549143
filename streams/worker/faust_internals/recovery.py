"""Table recovery that discards a stale store partition instead of refusing to start.

See the package docstring for the full reasons; in short: a store partition whose
persisted changelog offset is past its changelog's end, before its start, or from
another changelog makes Faust's recovery raise ``ConsistencyError`` or read on into
the wrong keys (faust-streaming #158, open; #597). :func:`discarding_table_manager`
checks each partition first (:func:`stale_reason`) and, as Kafka Streams does with a
corrupted task, discards it and restores it from the whole changelog.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.types import TP

__all__ = ["STALE_REASONS", "OnDiscard", "discard_partition", "discarding_table_manager",
           "stale_reason", "store_owner"]

log = logging.getLogger(__name__)


#: told of each discarded store partition: table name, partition, why (a :func:`stale_reason`)
OnDiscard = Callable[[str, int, str], None]


def stale_reason(offset: int | None, earliest: int, end: int, owner: str | None,
                 changelog: str) -> str | None:
    """Why a store partition cannot be read on from ``offset``; None if it can.

    ``offset``: the last changelog offset the store applied (None: empty store);
    ``earliest``/``end``: the changelog partition's first and next offsets;
    ``owner``: the changelog the store says it was built from (None: not said).

    >>> stale_reason(9, 0, 10, "app-sellers-changelog", "app-sellers-changelog") is None
    True
    >>> stale_reason(500, 0, 10, None, "app-sellers-changelog")
    'ahead_of_changelog'
    >>> stale_reason(3, 0, 10, "old-sellers-changelog", "app-sellers-changelog")
    'other_changelog'
    >>> stale_reason(3, 8, 10, None, "app-sellers-changelog")
    'before_changelog_start'

    Another changelog's store is stale even with no applied offset recorded: a
    worker stopped between writing states and recording their delivered offsets
    leaves data without one.

    >>> stale_reason(None, 0, 10, "old-sellers-changelog", "app-sellers-changelog")
    'other_changelog'
    """
    if owner is not None and owner != changelog:
        return "other_changelog"
    if offset is None or offset < 0:
        return None
    if offset >= end:
        return "ahead_of_changelog"
    if offset < earliest - 1:  # records it never applied are gone (retention)
        return "before_changelog_start"
    return None


STALE_REASONS = ("other_changelog", "ahead_of_changelog", "before_changelog_start")


def _owner_file(store: Any, partition: int) -> Path:
    path: Path = store.partition_path(partition)
    return path.with_name(path.name + ".changelog")


def store_owner(store: Any, partition: int) -> str | None:
    """The changelog a store partition was built from, as recorded beside it."""
    try:
        return _owner_file(store, partition).read_text().strip() or None
    except FileNotFoundError:
        return None


def discard_partition(store: Any, partition: int) -> None:
    """Close and delete one partition of a Faust RocksDB store; the next access
    opens it empty (``Store._db_for_partition``)."""
    db = store._dbs.pop(partition, None)
    if db is not None:
        db.close()  # releases RocksDB's lock on the folder (rocksdict)
    index = store._key_index
    for key in [key for key, owner in index.items() if owner == partition]:
        del index[key]
    shutil.rmtree(store.partition_path(partition), ignore_errors=True)


class _DiscardingRecovery(Recovery):
    on_discard: OnDiscard = staticmethod(lambda *_: None)

    async def _build_offsets(self, consumer: Any, tps: Any, destination: Any,
                             title: str) -> None:
        # ``destination`` holds the persisted offsets read at assignment; the
        # parent turns them into where reading starts, then the caller checks them.
        if tps:
            ends = await consumer.highwaters(*tps)
            starts = await consumer.earliest_offsets(*tps)
            for tp in sorted(tps):
                self._check(tp, destination, starts.get(tp) or 0, ends.get(tp) or 0, title)
        await super()._build_offsets(consumer, tps, destination, title)

    def _check(self, tp: TP, destination: Any, earliest: int, end: int, title: str) -> None:
        table: Any = self.tp_to_table[tp]
        store, offset = table.data, destination.get(tp)
        reason = stale_reason(offset, earliest, end, store_owner(store, tp.partition), tp.topic)
        if reason is not None:
            log.warning("discarding the %s store of %s partition %d (%s: it has applied "
                        "changelog offset %s of %s, whose offsets run %d-%d); restoring it "
                        "from the changelog", title, table.name, tp.partition, reason,
                        offset, tp.topic, earliest, end - 1)
            discard_partition(store, tp.partition)
            destination[tp] = None
            self.on_discard(table.name, tp.partition, reason)
        _owner_file(store, tp.partition).write_text(tp.topic + "\n")


def discarding_table_manager(on_discard: OnDiscard) -> type[TableManager]:
    """A TableManager (``faust.App(TableManager=...)``) whose recovery discards
    stale store partitions instead of raising ``ConsistencyError``."""
    recovery_class = type("DiscardingRecovery", (_DiscardingRecovery,),
                          {"on_discard": staticmethod(on_discard)})

    class DiscardingTableManager(TableManager):
        @property
        def recovery(self) -> Recovery:
            if self._recovery is None:
                self._recovery = recovery_class(self.app, self, beacon=self.beacon,
                                                loop=self.loop)
            return self._recovery

    return DiscardingTableManager
