"""Faust's aiokafka consumer, changed where the public API offers no setting.

See the package docstring for the full reasons; in short:

- :class:`FastFetchConsumer` fetches with ``fetch_max_wait_ms=100``, not Faust's
  hard-coded 1500 (no upstream issue found).
- ``FastFetchConsumer.perform_seek`` stops the flow before it seeks, and sends
  partitions with nothing committed to their first record (faust-streaming #596).
- ``FastFetchConsumer.ack`` refuses records of an earlier assignment (no upstream
  issue found; faust-streaming #606 and #707 are about the commit side).
- ``FastFetchConsumer.wait_first`` runs the drain loop's callback inline until it
  suspends, instead of a task per record.
- :func:`committed_offsets` and :func:`refresh_metadata` read or call what only
  Faust's and aiokafka's private attributes offer.
"""

from __future__ import annotations

import inspect
from collections.abc import Generator, Mapping
from typing import Any

import aiokafka
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer
from faust.types import TP
from mode.services import WaitResults

__all__ = ["FETCH_MAX_WAIT_MS", "FastFetchConsumer", "committed_offsets", "refresh_metadata"]

FETCH_MAX_WAIT_MS = 100


class _FastFetchThread(AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # Read by AIOKafkaConsumer.start() when it builds its Fetcher (aiokafka 0.13).
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class FastFetchConsumer(Consumer):
    def _new_consumer_thread(self) -> AIOKafkaConsumerThread:
        return _FastFetchThread(self, loop=self.loop, beacon=self.beacon)

    async def perform_seek(self) -> None:
        """Seek to the committed offsets with the flow stopped; Faust resumes it.

        Faust's recovery resumes the input partitions and then seeks them, with
        the flow running: records fetched meanwhile are delivered to the streams'
        queues, and the read offset moves past them. The seek then sets the read
        offset back to the committed one, and ``flow_control.resume()`` right
        after empties those queues. The records dropped there never reach an
        agent, and the next one delivered looks like a gap to Faust
        (``Consumer._add_gap``), which counts the missing offsets as acked: its
        commit passes records whose effect was never applied.
        """
        # Every caller resumes the flow after the streams' queues are cleared
        # (Recovery: flow_control.resume(), then resume_flow()) or has already
        # stopped it (getmany, when the flow is not active).
        self.stop_flow()
        await super().perform_seek()
        await self._rewind_uncommitted()

    async def _rewind_uncommitted(self) -> None:
        """Input partitions with nothing committed go back to their first record.

        aiokafka's ``seek_to_committed`` leaves such a partition where its fetcher
        is, and a fetch that returns once the flow is stopped is dropped by
        Faust's ``getmany``: its records would never come again.
        """
        tps = {tp for tp in self.assignment()
               if not self._is_changelog_tp(tp) and not self._committed_offset.get(tp)}
        if tps:
            earliest = await self.earliest_offsets(*tps)
            await self.seek_wait({tp: earliest[tp] for tp in tps})

    async def wait_first(self, *coros: Any, timeout: Any = None) -> WaitResults:
        """Faust's drain loop calls ``wait_first(callback(message), suspend_flow.wait())``
        for every record it fetched. mode's version starts a task for each argument
        and two more for the consumer's stop and crash events, then cancels the
        losers: several event-loop turns per record. The callback, which hands the
        record to the streams' queues, almost always finishes without suspending
        (room in the queue, flow running), so it runs inline to its first
        suspension; only a callback that does suspend is waited for mode's way,
        from where it stopped, racing the same events.

        Until it suspends, the callback runs as the fetcher's task, not in a task
        of its own: Faust's ``Conductor.on_message`` sets no context variable and
        starts no timeout, which a callback run this way must not do."""
        first, *rest = coros
        if not (inspect.iscoroutine(first) and self._running()):
            return await super().wait_first(*coros, timeout=timeout)
        try:
            yielded = first.send(None)
        except StopIteration as stop:
            _close(rest)
            return WaitResults([first], [stop.value], False)
        except BaseException:
            _close(rest)
            raise
        return await super().wait_first(_Resumed(first, yielded), *rest, timeout=timeout)

    def _running(self) -> bool:
        return not (self.suspend_flow.is_set() or self._stopped.is_set()
                    or self._crashed.is_set())

    def ack(self, message: Any) -> bool:
        """Only records of the current assignment may be marked safe to commit."""
        if message.generation_id != self.app.consumer_generation_id:
            return False  # read again after the seek to the committed offsets
        acked: bool = super().ack(message)
        return acked


def _close(coros: list[Any]) -> None:
    for coro in coros:  # never started: close, or Python warns it was never awaited
        if inspect.iscoroutine(coro):
            coro.close()


class _Resumed:
    """A coroutine already run to its first suspension (which yielded ``yielded``),
    awaitable for the rest: what it yields goes to the awaiting task, what the task
    sends or throws goes back into it, as ``await coro`` would have done throughout."""

    def __init__(self, coro: Any, yielded: Any) -> None:
        self._coro = coro
        self._yielded = yielded

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, value = self._coro, self._yielded
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:
                try:
                    value = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


def committed_offsets(consumer: Any) -> Mapping[TP, int | None]:
    """The offsets Faust's consumer resumes from, per partition (its private record of
    what it committed or found committed at assignment)."""
    committed: Mapping[TP, int | None] = consumer._committed_offset
    return committed


async def refresh_metadata(consumer: aiokafka.AIOKafkaConsumer) -> None:
    """Fetch cluster metadata now (topics created since the consumer started)."""
    await consumer._client.force_metadata_update()
