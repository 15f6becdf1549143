"""The private parts of Faust that faust_internals.recovery relies on still exist, and
what it does with them.

An upgrade that moves one of them fails here, not as a worker that never starts, or
one that reads on into another changelog's store, in production.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import faust

from streams.worker.faust_internals.recovery import (
    STALE_REASONS,
    discarding_table_manager,
    stale_reason,
    store_owner,
)


def test_recovery_reads_offsets_before_its_consistency_check() -> None:
    """The discarding recovery hooks ``_build_offsets``: it must still run, for the
    actives, between reading the persisted offsets and raising ConsistencyError."""
    from faust.tables import TableManager, recovery
    from faust.tables.recovery import Recovery

    module = inspect.getsource(recovery)  # _restart_recovery is wrapped by Service.task
    source = module[module.index("async def _restart_recovery"):]
    source = source[:source.index("\n    def ")]
    build = source.index("self._build_offsets")
    assert build < source.index("ConsistencyError(")
    assert list(inspect.signature(Recovery._build_offsets).parameters) == [
        "self", "consumer", "tps", "destination", "title"]
    assert "persisted_offset" in inspect.getsource(Recovery._add)
    assert isinstance(vars(TableManager)["recovery"], property)
    assert "_recovery" in TableManager.__annotations__


class _Ends:
    """The two consumer calls recovery makes here; the changelog has offsets 0-9."""

    async def highwaters(self, *tps: object) -> dict[object, int]:
        return dict.fromkeys(tps, 10)

    async def earliest_offsets(self, *tps: object) -> dict[object, int]:
        return dict.fromkeys(tps, 0)


def test_stale_store_partitions_are_discarded_and_read_from_the_start(
        tmp_path: Path) -> None:
    import asyncio

    from faust.types import TP

    discarded: list[tuple[str, int, str]] = []
    app = faust.App("faust-internals-discard", broker="kafka://127.0.0.1:1",
                    store="rocksdb://", datadir=str(tmp_path),
                    TableManager=discarding_table_manager(
                        lambda *args: discarded.append(args)))
    table = app.Table("sellers", default=None, partitions=3, key_type=bytes,
                      value_type=bytes)
    ahead, current, foreign = (TP(table.changelog_topic.get_topic_name(), p)
                               for p in (0, 1, 2))
    store = table.data
    for tp, offset in ((ahead, 500), (current, 3), (foreign, 3)):
        store.set_persisted_offset(tp, offset)
        store._db_for_partition(tp.partition).put(b"seller", b"{}")
    # partition 2 was built from another app's changelog, and says so
    store.partition_path(2).with_name(store.partition_path(2).name + ".changelog").write_text(
        "other-app-sellers-changelog\n")
    recovery = app.tables.recovery
    for tp in (ahead, current, foreign):
        recovery.add_active(table, tp)

    asyncio.run(recovery._build_offsets(_Ends(), {ahead, current, foreign},
                                        recovery.active_offsets, "active"))

    assert discarded == [("sellers", 0, "ahead_of_changelog"),
                         ("sellers", 2, "other_changelog")]
    for tp in (ahead, foreign):  # read from the changelog's start, into an empty store
        assert recovery.active_offsets[tp] == -1
        assert store.persisted_offset(tp) is None
        assert store._db_for_partition(tp.partition).get(b"seller") is None
    # partition 1 was behind the changelog's end: kept, read on from where it was
    assert recovery.active_offsets[current] == 3
    assert store._db_for_partition(1).get(b"seller") == b"{}"
    # every partition now names the changelog it is built from
    assert {store_owner(store, p) for p in (0, 1, 2)} == {ahead.topic}


def test_discard_reasons_are_the_metric_labels() -> None:
    from streams.worker.monitoring import metrics

    assert metrics._STALE_REASONS == STALE_REASONS


def test_a_store_of_another_changelog_is_stale_whatever_offset_it_recorded() -> None:
    """make reliability once kept an old app's seller partition: its states were
    written but the worker stopped before recording their delivered offset, and
    no recorded offset read as an empty store."""
    mine, other = "app-sellers-changelog", "old-sellers-changelog"
    for offset in (None, -1, 3, 500):
        assert stale_reason(offset, 0, 10, other, mine) == "other_changelog", offset
    assert stale_reason(None, 0, 10, mine, mine) is None
    assert stale_reason(None, 0, 10, None, mine) is None
