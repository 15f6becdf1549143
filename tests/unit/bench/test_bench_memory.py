"""The memory benchmark's reading of the worker's per-table figures (bench/bench_memory.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from bench_memory import table_figures

METRICS = """\
# HELP brandguard_table_keys Keys held in memory per state table.
brandguard_table_keys{table="sellers"} 23051.0
brandguard_table_keys{table="images"} 1200.0
brandguard_table_bytes{table="sellers"} 134217728.0
brandguard_state_evictions_total{table="sellers"} 41912.0
brandguard_state_evictions_created{table="sellers"} 1.7e+09
brandguard_events_total{topic="marketplace.listings"} 5.0
brandguard_rocksdb_memory_bytes{kind="memtables",table="sellers"} 3145728.0
brandguard_rocksdb_memory_bytes{kind="block_cache",table="sellers"} 1048576.0
"""


def test_table_figures_reads_keys_mib_evictions_and_rocksdb_memory_per_table() -> None:
    assert table_figures(METRICS) == {
        "sellers": {"keys": 23051.0, "mb": 128.0, "evicted": 41912.0,
                    "rocksdb_memtables": 3.0, "rocksdb_block_cache": 1.0},
        "images": {"keys": 1200.0},
    }


def test_table_figures_of_no_answer_is_empty() -> None:
    assert table_figures(None) == {}
