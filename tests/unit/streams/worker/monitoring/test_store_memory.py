"""RocksDB memory per state table, read from real rocksdict databases at collect time."""

from __future__ import annotations

from pathlib import Path

import rocksdict
from prometheus_client import CollectorRegistry, generate_latest

from streams.worker.monitoring.store_memory import KINDS, StoreMemory


def _open(path: Path) -> rocksdict.Rdict:
    options = rocksdict.Options(raw_mode=True)
    options.create_if_missing(True)
    return rocksdict.Rdict(str(path), options=options)


def _value(registry: CollectorRegistry, table: str, kind: str) -> float | None:
    return registry.get_sample_value("brandguard_rocksdb_memory_bytes",
                                     {"table": table, "kind": kind})


def test_write_buffers_are_summed_over_a_tables_partitions(tmp_path: Path) -> None:
    dbs = [_open(tmp_path / f"p{n}") for n in range(2)]
    registry = CollectorRegistry()
    registry.register(StoreMemory(lambda: [("sellers", dbs), ("images", [])]))
    try:
        empty = _value(registry, "sellers", "memtables")
        for n, db in enumerate(dbs):
            for i in range(2_000):
                db[f"seller-{n}-{i}".encode()] = b"x" * 200
        one = dbs[0].property_int_value("rocksdb.cur-size-all-mem-tables")
        both = _value(registry, "sellers", "memtables")
        assert empty is not None and both is not None
        # 2,000 records of 200 bytes in each: both partitions' buffers counted
        assert one > 400_000 and both > empty and both >= 2 * 400_000 and both > one
        assert {k: _value(registry, "images", k) for k in KINDS} == dict.fromkeys(KINDS, 0.0)
        assert b'brandguard_rocksdb_memory_bytes{kind="block_cache",table="sellers"}' in (
            generate_latest(registry))
    finally:
        for db in dbs:
            db.close()


def test_before_it_watches_any_store_the_metric_has_no_samples() -> None:
    registry = CollectorRegistry()
    collector = StoreMemory()
    registry.register(collector)
    assert b"# TYPE brandguard_rocksdb_memory_bytes gauge" in generate_latest(registry)
    assert _value(registry, "sellers", "memtables") is None
    collector.watch(lambda: [("sellers", [])])
    assert _value(registry, "sellers", "memtables") == 0.0


def test_a_closed_database_counts_nothing_and_fails_no_scrape(tmp_path: Path) -> None:
    db = _open(tmp_path / "p0")
    db[b"k"] = b"v"
    db.close()
    registry = CollectorRegistry()
    registry.register(StoreMemory(lambda: [("brands", [db])]))
    assert _value(registry, "brands", "memtables") == 0.0
