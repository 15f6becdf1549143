"""What the RocksDB stores hold in memory, per state table, read when Prometheus scrapes.

Each table has one RocksDB database per partition this worker holds, and each
database its own write buffers and block cache (``BRANDGUARD_ROCKSDB_*``), so a
worker's RocksDB memory grows with its partitions and its data, outside the
Python heap and outside ``brandguard_table_bytes``. Read from RocksDB's own
properties at scrape time, so it costs nothing per record:

- ``memtables``: write buffers, active and not yet flushed
  (``rocksdb.cur-size-all-mem-tables``);
- ``block_cache``: blocks read back and cached (``rocksdb.block-cache-usage``);
- ``table_readers``: index and filter blocks of the open SST files, held outside
  the block cache (``rocksdb.estimate-table-readers-mem``).

>>> class Db:
...     def property_int_value(self, name: str) -> int:
...         return {"rocksdb.cur-size-all-mem-tables": 3 << 20}.get(name, 0)
>>> collector = StoreMemory(lambda: [("sellers", [Db(), Db()])])
>>> [(s.labels["kind"], s.value) for s in next(iter(collector.collect())).samples][:2]
[('memtables', 6291456.0), ('block_cache', 0.0)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["KINDS", "StoreMemory"]

#: label value -> RocksDB property
KINDS = {"memtables": "rocksdb.cur-size-all-mem-tables",
         "block_cache": "rocksdb.block-cache-usage",
         "table_readers": "rocksdb.estimate-table-readers-mem"}

#: (table name, its open databases) for every table, as of now
Stores = Callable[[], Iterable[tuple[str, Iterable[Any]]]]


class StoreMemory(Collector):
    def __init__(self, stores: Stores | None = None) -> None:
        """``stores``: none until :meth:`watch` (the metric is exported without samples)."""
        self._stores: Stores = stores or (lambda: ())

    def watch(self, stores: Stores) -> None:
        """Read these stores from now on (the app calls it once its tables exist)."""
        self._stores = stores

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "brandguard_rocksdb_memory_bytes",
            "Memory of the RocksDB stores per state table, summed over the partitions "
            "this worker holds (write buffers, block cache, SST index and filters).",
            labels=["table", "kind"])
        for table, databases in self._stores():
            totals = dict.fromkeys(KINDS, 0)
            for db in databases:
                for kind, prop in KINDS.items():
                    totals[kind] += _int_property(db, prop)
            for kind, value in totals.items():
                family.add_metric([table, kind], float(value))
        yield family


def _int_property(db: Any, name: str) -> int:
    try:
        value = db.property_int_value(name)
    except Exception:  # a database closed by a rebalance under way: nothing to count
        return 0
    return int(value or 0)
