"""The private parts of Faust and aiokafka that faust_internals.consumer relies on still
exist, and what it does with them.

An upgrade that moves one of them fails here, not as a silent slowdown or input
records lost in production.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import aiokafka
import faust
import pytest
from aiokafka.client import AIOKafkaClient
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from streams.worker.faust_internals.consumer import FETCH_MAX_WAIT_MS, FastFetchConsumer


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
