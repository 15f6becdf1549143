"""The worker's state tables: a Faust table per state, each store's RocksDB memory
bounded, written through :class:`~streams.worker.faust_internals.DirectChangelog` and
read through a :class:`~streams.worker.checkpointing.state_cache.StateCache`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import faust

from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.faust_internals import DirectChangelog, SendRecord, store_url
from streams.worker.settings import Settings

__all__ = ["StateTables"]


class StateTables:
    def __init__(self, app: faust.App, settings: Settings, send: SendRecord) -> None:
        """``send``: produces each changelog record (the app's one producer)."""
        self.app = app
        self.settings = settings
        self._send = send
        #: each state table's store, by table name
        self.stores: list[tuple[str, DirectChangelog]] = []

    def cache(self, name: str, create: Callable[[str], Any],
              load: Callable[[dict[str, Any]], Any], size: int,
              partitions: int | None = None, max_mb: int | None = None) -> StateCache[Any]:
        table = self._table(name, partitions)
        store = DirectChangelog(table, self._send)
        self.stores.append((name, store))
        return StateCache(table, create, load, size, writer=store, reader=store.get,
                          max_bytes=None if max_mb is None else max_mb << 20)

    def databases(self) -> list[tuple[str, list[Any]]]:
        """Each table's open RocksDB databases (for the store memory metric)."""
        return [(name, store.databases()) for name, store in self.stores]

    def _table(self, name: str, partitions: int | None = None) -> Any:
        return self.app.Table(name, default=None, partitions=partitions, key_type=bytes,
                              value_type=bytes, options=self._rocksdb_options(),
                              store=store_url(name))  # faust_internals.store

    def _rocksdb_options(self) -> dict[str, int]:
        """Faust's ``RocksDBOptions`` for every store: bounded write buffers and cache."""
        mb = 1 << 20
        return {"write_buffer_size": self.settings.rocksdb_write_buffer_mb * mb,
                "max_write_buffer_number": 3,
                "block_cache_size": self.settings.rocksdb_block_cache_mb * mb}
