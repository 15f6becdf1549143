"""faust_internals.store: Faust's RocksDB store that collects garbage only when a
revoke drops a database, and what it replaces in Faust."""

from __future__ import annotations

import gc
from pathlib import Path

import faust
import pytest
from faust.stores import rocksdb
from faust.types import TP

from streams.worker.faust_internals.store import Store
from streams.worker.settings import Settings
from streams.worker.tables import StateTables


def _app(tmp_path: Path) -> faust.App:
    return faust.App("store-test", broker="kafka://127.0.0.1:1", store="rocksdb://",
                     datadir=str(tmp_path))


def _collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts full collections: Faust's store and ours both call ``gc.collect``."""
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(1) or 0)
    return calls


def test_the_state_tables_use_it_where_faust_s_own_store_would_keep_its_files(
        tmp_path: Path) -> None:
    app = _app(tmp_path)
    StateTables(app, Settings(), lambda *record: None).cache("sellers", dict, dict, 10)
    ours = app.tables["sellers"].data
    faust_own = app.Table("plain", default=None).data
    assert type(ours) is Store and type(faust_own) is rocksdb.Store
    assert ours.path == faust_own.path and ours.basename == Path("sellers")
    assert ours.partition_path(3).name == faust_own.partition_path(3).name.replace(
        "plain", "sellers")


def test_a_revoke_collects_only_when_it_drops_a_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path)
    StateTables(app, Settings(), lambda *record: None).cache("sellers", dict, dict, 10)
    table = app.tables["sellers"]
    store, changelog = table.data, table.changelog_topic.get_topic_name()
    collections = _collections(monkeypatch)
    store._dbs.update({0: object(), 1: object()})

    store.revoke_partitions(table, set())  # a rebalance that takes nothing of this table
    store.revoke_partitions(table, {TP("listings", 0), TP(changelog, 5)})
    assert collections == [] and sorted(store._dbs) == [0, 1]

    store.revoke_partitions(table, {TP(changelog, 0), TP(changelog, 5)})
    assert collections == [1] and sorted(store._dbs) == [1]


def test_faust_s_own_store_collects_at_every_revoke(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Why Store exists: if this fails, Faust stopped collecting when nothing was
    dropped and Store can go."""
    app = _app(tmp_path)
    table = app.Table("plain", default=None)
    collections = _collections(monkeypatch)
    table.data.revoke_partitions(table, set())
    assert collections == [1]
