"""The state tables: a bounded RocksDB store per state, written through its changelog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faust

from streams.worker.faust_internals import event_context
from streams.worker.settings import Settings
from streams.worker.tables import StateTables


class _Msg:
    partition = 2


class _Current:
    message = _Msg()


def test_each_state_gets_a_bounded_table_written_through_its_changelog(
        tmp_path: Path) -> None:
    app = faust.App("tables-test", broker="kafka://127.0.0.1:1", store="rocksdb://",
                    datadir=str(tmp_path))
    settings = Settings(rocksdb_write_buffer_mb=4, rocksdb_block_cache_mb=16)
    sent: list[tuple[Any, ...]] = []
    tables = StateTables(app, settings, lambda *record: sent.append(record[:4]))
    cache = tables.cache("sellers", lambda key: {}, dict, 10, partitions=3, max_mb=2)

    table = app.tables["sellers"]
    assert cache.table is table
    assert table.partitions == 3 and cache.max_bytes == 2 << 20 and cache.capacity == 10
    options = table.data.rocksdb_options
    assert (options.write_buffer_size, options.block_cache_size) == (4 << 20, 16 << 20)
    assert options.max_write_buffer_number == 3
    assert tables.databases() == [("sellers", [])]  # no partition opened yet

    ((name, store),) = tables.stores
    assert name == "sellers"
    with event_context(_Current()):  # type: ignore[arg-type]
        store["s1"] = b"{}"
    assert sent == [("tables-test-sellers-changelog", b"{}", b"s1", 2)]
    assert store.get("s1", 2) == b"{}"
    assert [(n, len(dbs)) for n, dbs in tables.databases()] == [("sellers", 1)]
