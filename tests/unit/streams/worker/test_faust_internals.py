"""The private parts of Faust and aiokafka that faust_internals relies on still exist.

An upgrade that moves one of them fails here, not as a silent slowdown or a
table write filed under the wrong partition in production.
"""

from __future__ import annotations

import contextvars
import inspect
from pathlib import Path
from typing import Any

import aiokafka
import faust
from aiokafka.client import AIOKafkaClient
from faust.streams import _current_event
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from streams.worker.faust_internals import (
    FETCH_MAX_WAIT_MS,
    FastFetchConsumer,
    event_context,
)


class _Event:
    """Stands in for a Faust event: event_context only keeps a weak reference."""


def test_event_context_sets_and_restores_the_current_event() -> None:
    assert isinstance(_current_event, contextvars.ContextVar)
    before = _current_event.get(None)
    event = _Event()
    with event_context(event):  # type: ignore[arg-type]
        ref = _current_event.get()
        assert ref is not None and ref() is event
    assert _current_event.get(None) is before


def test_fetch_wait_is_read_from_the_attribute_we_set() -> None:
    assert "_create_worker_consumer" in vars(AIOKafkaConsumerThread)
    # set in __init__, read by start() when it builds the Fetcher
    assert "self._fetch_max_wait_ms" in inspect.getsource(aiokafka.AIOKafkaConsumer.__init__)
    assert "self._fetch_max_wait_ms" in inspect.getsource(aiokafka.AIOKafkaConsumer.start)
    assert FETCH_MAX_WAIT_MS < 1500
    assert issubclass(FastFetchConsumer, faust.transport.drivers.aiokafka.Consumer)


def test_metadata_refresh_is_still_on_the_client() -> None:
    # a plain method returning an awaitable (a future), not a coroutine function
    assert callable(AIOKafkaClient.force_metadata_update)
    assert "_client" in inspect.getsource(aiokafka.AIOKafkaConsumer.__init__)


def test_without_spinner_keeps_the_root_logger_at_its_level() -> None:
    import logging

    from streams.worker.faust_internals import without_spinner

    app = faust.App("faust-internals-spinner", broker="kafka://127.0.0.1:1")
    worker = without_spinner(app.Worker(loglevel="WARNING", quiet=True))
    root = logging.getLogger("spinner-check")
    root.addHandler(logging.NullHandler())
    root.setLevel(logging.WARNING)
    worker.on_setup_root_logger(root, logging.WARNING)
    assert root.level == logging.WARNING
    # with the spinner Faust would have lowered it to DEBUG
    spinning = app.Worker(loglevel="WARNING", quiet=True)
    assert spinning.spinner is not None
    spinning.on_setup_root_logger(root, logging.WARNING)
    assert root.level == logging.DEBUG


class _Store(dict[str, bytes]):
    def __init__(self) -> None:
        super().__init__()
        self.persisted: dict[object, int] = {}

    def set_persisted_offset(self, tp: object, offset: int) -> None:
        self.persisted[tp] = offset


class _Topic:
    def get_topic_name(self) -> str:
        return "app-sellers-changelog"


class _Table:
    def __init__(self) -> None:
        self.data = _Store()
        self.changelog_topic = _Topic()


class _Msg:
    partition = 5


class _Current:
    message = _Msg()


def test_direct_changelog_writes_the_store_and_records_the_delivered_offset() -> None:
    from faust.types import TP

    from streams.worker.faust_internals import DirectChangelog

    table = _Table()
    sent: list[tuple[str, bytes, bytes, int]] = []
    callbacks = []

    def send(topic: str, value: bytes, key: bytes, partition: int, then: object) -> None:
        sent.append((topic, value, key, partition))
        callbacks.append(then)

    writer = DirectChangelog(table, send)
    with event_context(_Current()):  # type: ignore[arg-type]
        writer["s1"] = b"{}"
    assert table.data == {"s1": b"{}"}
    assert sent == [("app-sellers-changelog", b"{}", b"s1", 5)]
    assert table.data.persisted == {}  # not before the broker has it
    callbacks[0](41)
    assert table.data.persisted == {TP("app-sellers-changelog", 5): 41}


def test_direct_changelog_refuses_a_write_without_a_current_event() -> None:
    import pytest

    from streams.worker.faust_internals import DirectChangelog

    writer = DirectChangelog(_Table(), lambda *args: None)
    with pytest.raises(RuntimeError, match="current event"):
        writer["s1"] = b"{}"


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

    from streams.worker.faust_internals import discarding_table_manager, store_owner

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
    from streams.worker.faust_internals import STALE_REASONS
    from streams.worker.monitoring import metrics

    assert metrics._STALE_REASONS == STALE_REASONS


def test_aiokafka_still_skips_partitions_without_a_commit_and_faust_drops_on_resume() -> None:
    """Why the consumer thread rewinds uncommitted partitions itself."""
    from faust import channels, streams

    assert "if offset and offset > 0" in inspect.getsource(
        aiokafka.AIOKafkaConsumer.seek_to_committed)
    assert "clear_on_resume=True" in inspect.getsource(channels)
    assert "clear_on_resume=True" in inspect.getsource(streams)
    assert "seek_to_committed" in vars(AIOKafkaConsumerThread)


def test_partitions_never_committed_are_read_again_from_their_beginning() -> None:
    import asyncio
    from types import SimpleNamespace

    from faust.types import TP

    from streams.worker.faust_internals import _FastFetchThread

    committed, once, never = TP("t", 0), TP("t", 1), TP("t", 2)
    sought: list[tuple[TP, ...]] = []

    class _Aiokafka:
        async def seek_to_committed(self) -> dict[TP, int | None]:
            return {committed: 7, once: 0, never: None}

        async def seek_to_beginning(self, *tps: TP) -> None:
            sought.append(tps)

    async def call_thread(fn: Any, *args: Any) -> Any:
        return await fn(*args)

    for reset, expected in (("earliest", [(once, never)]), ("latest", [])):
        sought.clear()
        thread = _FastFetchThread.__new__(_FastFetchThread)
        thread.app = SimpleNamespace(conf=SimpleNamespace(consumer_auto_offset_reset=reset))
        thread._ensure_consumer = _Aiokafka  # type: ignore[method-assign]
        thread.call_thread = call_thread  # type: ignore[method-assign]
        got = asyncio.run(thread.seek_to_committed())
        assert got == {committed: 7, once: 0, never: None}
        assert sought == expected


def test_faust_still_seeks_before_it_resumes_flow() -> None:
    """The recovery stops the fetcher's flow before Faust's on_recovery_completed,
    because Faust seeks before resuming flow, which clears the stream queues."""
    from faust.tables import recovery

    module = inspect.getsource(recovery)
    source = module[module.index("async def on_recovery_completed"):]
    source = source[:source.index("\n    async def ")]
    assert source.index("perform_seek()") < source.index("flow_control.resume()")
    # and it restarts the fetcher's flow, which our recovery stops beforehand
    assert source.index("flow_control.resume()") < source.index("consumer.resume_flow()")


def test_recovery_stops_the_fetchers_flow_before_faust_seeks(tmp_path: Path) -> None:
    import asyncio

    from faust.tables.recovery import Recovery

    from streams.worker.faust_internals import discarding_table_manager

    app = faust.App("faust-internals-seek", broker="kafka://127.0.0.1:1",
                    datadir=str(tmp_path), TableManager=discarding_table_manager(
                        lambda *args: None))
    calls: list[str] = []

    class _Consumer:
        def assignment(self) -> set[str]:
            return {"t/0"}

        def stop_flow(self) -> None:
            calls.append("stop flow")

    async def completed(self: Recovery, generation_id: int = 0) -> None:
        calls.append("faust")

    recovery = app.tables.recovery
    original = Recovery.on_recovery_completed
    Recovery.on_recovery_completed = completed  # type: ignore[method-assign]
    try:
        with_consumer = type(app).consumer
        type(app).consumer = _Consumer()  # type: ignore[assignment,method-assign]
        try:
            asyncio.run(recovery.on_recovery_completed(4))
        finally:
            type(app).consumer = with_consumer  # type: ignore[method-assign]
    finally:
        Recovery.on_recovery_completed = original  # type: ignore[method-assign]
    assert calls == ["stop flow", "faust"]


def test_records_of_an_earlier_assignment_are_never_acked() -> None:
    from types import SimpleNamespace

    from faust.transport.consumer import Consumer as FaustConsumer

    # Faust's streams ack what they skip for its generation; our consumer refuses it
    source = inspect.getsource(streams_module())
    assert "message.generation_id != self.app.consumer_generation_id" in source
    assert "do_ack or value is skipped_value" in source
    acked: list[int] = []
    original = FaustConsumer.ack
    FaustConsumer.ack = lambda self, message: acked.append(message.offset) or True  # type: ignore[method-assign,assignment]
    try:
        consumer = FastFetchConsumer.__new__(FastFetchConsumer)
        consumer.app = SimpleNamespace(consumer_generation_id=5)  # type: ignore[assignment]
        old = SimpleNamespace(offset=1, generation_id=4)
        current = SimpleNamespace(offset=2, generation_id=5)
        assert consumer.ack(old) is False  # type: ignore[arg-type]
        assert consumer.ack(current) is True  # type: ignore[arg-type]
    finally:
        FaustConsumer.ack = original  # type: ignore[method-assign]
    assert acked == [2]


def streams_module() -> Any:
    from faust import streams

    return streams
