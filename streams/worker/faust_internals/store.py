"""Faust's RocksDB store, without a full garbage collection per table per rebalance.

Faust's ``rocksdb.Store.revoke_partitions`` drops the databases of the revoked
partitions and then calls ``gc.collect()`` (``faust/stores/rocksdb.py``; no
upstream issue found), so that a dropped database held in a reference cycle
closes and releases its lock for the next owner. It collects on every
rebalance, for every table, whether or not it dropped anything: the worker's
four tables cost four full collections at start-up (when nothing is revoked)
and at every rebalance after it, each one a walk over every live object, so
the longer the worker has run (the more states it holds) the longer the pause,
while its partitions wait.

:class:`Store` collects only when a revoke did drop a database.
"""

from __future__ import annotations

import gc
from typing import Any

from faust.stores import STORES, rocksdb

__all__ = ["SCHEME", "Store", "store_url"]

#: the store URL scheme of :class:`Store`
SCHEME = "brandguard-rocksdb"


class Store(rocksdb.Store):
    def revoke_partitions(self, table: Any, tps: Any) -> None:
        """Drop the revoked partitions' databases; collect only if one was dropped."""
        dropped = False
        for tp in tps:
            ours = tp.topic in table.changelog_topic.topics
            if ours and self._dbs.pop(tp.partition, None) is not None:
                self.logger.info(f"closing db {tp.topic} partition {tp.partition}")
                dropped = True
        if dropped:
            gc.collect()


def store_url(table_name: str) -> str:
    """The ``store=`` of a table kept in :class:`Store`, at the path Faust's own
    ``rocksdb://`` store gives it (the table's name); makes :data:`SCHEME` name
    :class:`Store` in Faust's store registry. A URL without a path would not do:
    Faust takes an empty one for no store given and uses the app's."""
    STORES.aliases[SCHEME] = f"{__name__}:Store"
    return f"{SCHEME}:{table_name}"
