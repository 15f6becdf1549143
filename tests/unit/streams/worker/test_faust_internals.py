"""The private parts of Faust and aiokafka that faust_internals relies on still exist.

An upgrade that moves one of them fails here, not as a silent slowdown or a
table write filed under the wrong partition in production.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from pathlib import Path
from typing import Any

import aiokafka
import faust
import pytest
from aiokafka.client import AIOKafkaClient
from faust.streams import _current_event
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from streams.worker.faust_internals import (
    FETCH_MAX_WAIT_MS,
    FastFetchConsumer,
    event_context,
    stale_reason,
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


class _DB(dict[bytes, bytes]):
    def put(self, key: bytes, value: bytes) -> None:
        self[key] = value


class _Store:
    """The part of Faust's RocksDB ``Store`` that DirectChangelog uses."""

    def __init__(self) -> None:
        self.dbs: dict[int, _DB] = {}
        self.persisted: dict[object, int] = {}

    def _db_for_partition(self, partition: int) -> _DB:
        return self.dbs.setdefault(partition, _DB())

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
        writer["s2"] = b"[]"
    assert table.data.dbs == {5: {b"s1": b"{}", b"s2": b"[]"}}  # the event's partition
    assert writer.get("s1", 5) == b"{}" and writer.get("s1", 4) is None
    assert sent == [("app-sellers-changelog", b"{}", b"s1", 5),
                    ("app-sellers-changelog", b"[]", b"s2", 5)]
    callbacks[1](42)
    callbacks[0](41)  # delivery reports may come in any order: the highest counts
    assert table.data.persisted == {}  # written with the next write round, not per record
    writer.persist()
    assert table.data.persisted == {TP("app-sellers-changelog", 5): 42}
    callbacks[1](43)
    with event_context(_Current()):  # type: ignore[arg-type]
        writer["s3"] = b"{}"
    assert table.data.persisted == {TP("app-sellers-changelog", 5): 43}


def test_direct_changelog_refuses_a_write_without_a_current_event() -> None:
    import pytest

    from streams.worker.faust_internals import DirectChangelog

    writer = DirectChangelog(_Table(), lambda *args: None)
    with pytest.raises(RuntimeError, match="current event"):
        writer["s1"] = b"{}"


def test_every_seek_of_faust_is_followed_by_resuming_the_flow() -> None:
    """FastFetchConsumer.perform_seek leaves the flow stopped for its caller to resume
    once the streams' queues are emptied: a caller that did not would stall the worker."""
    from faust.tables.recovery import Recovery
    from faust.transport.consumer import Consumer as BaseConsumer

    for method in (Recovery._resume_streams, Recovery.on_recovery_completed):
        source = inspect.getsource(method)
        seek = source.index("perform_seek()")
        cleared = source.index("flow_control.resume()", seek)
        assert source.index("consumer.resume_flow()", cleared) > cleared
    getmany = inspect.getsource(BaseConsumer.getmany)
    assert getmany.index("flow not active") < getmany.index("perform_seek()")
    callers = [name for name, source in _faust_sources() if "perform_seek()" in source]
    assert callers == ["faust/tables/recovery.py", "faust/transport/consumer.py"]


def _faust_sources() -> list[tuple[str, str]]:
    from pathlib import Path

    root = Path(faust.__file__).parent
    return sorted((str(path.relative_to(root.parent)), path.read_text())
                  for path in root.rglob("*.py"))


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
    """Why FastFetchConsumer.perform_seek stops the flow and rewinds uncommitted
    partitions itself."""
    from faust import channels, streams

    assert "if offset and offset > 0" in inspect.getsource(
        aiokafka.AIOKafkaConsumer.seek_to_committed)
    assert "clear_on_resume=True" in inspect.getsource(channels)
    assert "clear_on_resume=True" in inspect.getsource(streams)


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


def test_a_store_of_another_changelog_is_stale_whatever_offset_it_recorded() -> None:
    """make reliability once kept an old app's seller partition: its states were
    written but the worker stopped before recording their delivered offset, and
    no recorded offset read as an empty store."""
    mine, other = "app-sellers-changelog", "old-sellers-changelog"
    for offset in (None, -1, 3, 500):
        assert stale_reason(offset, 0, 10, other, mine) == "other_changelog", offset
    assert stale_reason(None, 0, 10, mine, mine) is None
    assert stale_reason(None, 0, 10, None, mine) is None


def _drain_consumer() -> Any:
    """A FastFetchConsumer with just what wait_first reads (inside a running loop)."""
    from mode.utils.locks import Event

    consumer = FastFetchConsumer.__new__(FastFetchConsumer)
    consumer._loop = asyncio.get_running_loop()
    consumer._stopped, consumer._crashed, consumer.suspend_flow = Event(), Event(), Event()
    return consumer


def test_the_drain_loop_still_waits_for_each_record_with_wait_first() -> None:
    from faust.transport.consumer import Consumer as FaustConsumer

    source = inspect.getsource(FaustConsumer._drain_messages)
    assert "await self.wait_first(" in source
    assert "callback(message), self.suspend_flow.wait()" in source


def test_a_callback_that_never_suspends_runs_inline_without_tasks() -> None:
    async def main() -> None:
        consumer = _drain_consumer()
        delivered: list[int] = []

        async def callback(n: int) -> int:
            delivered.append(n)
            return n

        tasks = len(asyncio.all_tasks())
        flow = consumer.suspend_flow.wait()
        result = await consumer.wait_first(callback(7), flow)
        assert delivered == [7] and result.results == [7] and not result.stopped
        assert len(asyncio.all_tasks()) == tasks
        # the unused wait is closed, not left for Python to warn about
        assert inspect.getcoroutinestate(flow) == inspect.CORO_CLOSED

    asyncio.run(main())


def test_a_callback_that_suspends_is_finished_from_where_it_stopped() -> None:
    async def main() -> None:
        consumer = _drain_consumer()
        room = asyncio.Event()
        steps: list[str] = []

        async def callback() -> str:
            steps.append("before")
            await room.wait()  # a full queue
            steps.append("after")
            return "put"

        waiting = asyncio.ensure_future(
            consumer.wait_first(callback(), consumer.suspend_flow.wait()))
        await asyncio.sleep(0.01)
        assert steps == ["before"] and not waiting.done()
        room.set()
        result = await waiting
        assert steps == ["before", "after"] and result.results[0] == "put"

    asyncio.run(main())


def test_a_suspended_callback_is_abandoned_when_the_flow_stops() -> None:
    async def main() -> None:
        consumer = _drain_consumer()
        cancelled: list[bool] = []

        async def callback() -> None:
            try:
                await asyncio.Event().wait()  # never room: a rebalance must not wait on it
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

        waiting = asyncio.ensure_future(
            consumer.wait_first(callback(), consumer.suspend_flow.wait()))
        await asyncio.sleep(0.01)
        consumer.suspend_flow.set()
        await asyncio.wait_for(waiting, 1.0)
        await asyncio.sleep(0)
        assert cancelled == [True]

    asyncio.run(main())


@pytest.mark.parametrize("suspends_first", [False, True])
def test_an_error_in_the_callback_reaches_the_drain_loop(suspends_first: bool) -> None:
    async def main() -> None:
        consumer = _drain_consumer()

        async def callback() -> None:
            if suspends_first:  # raised by the task mode's race runs, not inline
                await asyncio.sleep(0)
                await asyncio.sleep(0.001)
            raise ValueError("bad record")

        with pytest.raises(ValueError, match="bad record"):
            await consumer.wait_first(callback(), consumer.suspend_flow.wait())

    asyncio.run(main())


def test_a_consumer_stopping_abandons_a_suspended_callback() -> None:
    async def main() -> None:
        consumer = _drain_consumer()

        async def callback() -> None:
            await asyncio.Event().wait()

        waiting = asyncio.ensure_future(
            consumer.wait_first(callback(), consumer.suspend_flow.wait()))
        await asyncio.sleep(0.01)
        consumer._stopped.set()
        result = await asyncio.wait_for(waiting, 1.0)
        assert result.stopped

    asyncio.run(main())


def test_while_the_flow_is_suspended_the_callback_races_it_modes_way() -> None:
    async def main() -> None:
        consumer = _drain_consumer()
        consumer.suspend_flow.set()

        async def callback() -> str:
            return "put"

        result = await consumer.wait_first(callback(), consumer.suspend_flow.wait())
        # mode's wait_first: both tasks finished in the same turn (inline would give one)
        assert len(result.done) == 2 and "put" in result.results

    asyncio.run(main())
