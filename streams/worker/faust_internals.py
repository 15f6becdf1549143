"""Every reach into Faust's or aiokafka's private parts, in one place.

Each one works around something the public API does not offer; each names
the upstream issue, so a Faust or aiokafka upgrade knows what to re-check
(``tests/unit/streams/worker/test_faust_internals.py`` fails if one moves).

- :func:`event_context`: tables file a write under the *current event's*
  partition, read from ``faust.streams._current_event``. Runners write state
  at flush time, outside the stream iteration, so they set it themselves
  (faust-streaming #497, #300: no public way to write a table outside it).
- :class:`FastFetchConsumer`: Faust passes aiokafka a hard-coded
  ``fetch_max_wait_ms=1500`` (``faust/transport/drivers/aiokafka.py``, no
  setting; no upstream issue found). aiokafka keeps one fetch in flight per
  broker and leaves out partitions that still have records buffered, so a
  record produced to such a partition waits until the request in flight
  returns: up to 1.5 s when that request holds only quiet partitions. Epoch
  marks make that a round trip per epoch for every partition (measured on a
  compressed 1-day scenario: 1.4-2.0 s from the last seller partition's mark
  to the image agent seeing it). 100 ms costs an idle worker ten small fetch
  requests a second.
- ``FastFetchConsumer.perform_seek`` stops the flow before it seeks. Faust's
  recovery resumes the input partitions and seeks them to the committed
  offsets with the flow running, then empties the streams' queues: records
  fetched during the seek were dropped there, and Faust took their offsets for
  a gap and committed past them (faust-streaming #596, open). A restart with
  changelog records to recover lost input records for good. An input
  partition with nothing committed yet is not moved by that seek (aiokafka
  ``seek_to_committed``), so it is sought to its first record too.
- :func:`without_spinner`: Faust's worker draws a terminal spinner and, to feed
  it, sets the *root logger* to DEBUG (``faust/worker.py``,
  ``_setup_spinner_handler``; no upstream issue found), whatever ``--loglevel``
  says. Every ``logger.debug`` in Faust and aiokafka then builds a record that
  the handler throws away: a profile of the worker caught it on every send.
- :class:`DirectChangelog`: a table write through ``Table.__setitem__`` sends
  its changelog record through Faust's producer, one record per event-loop
  turn (about 0.3-0.5 ms each when profiled), and a seller or image state is
  written about once per input event during a catch-up. So a state write goes
  to the table's store (``Table.data``, the RocksDB partition of the current
  event) and its changelog record, the same topic, partition, key and bytes,
  through librdkafka; once delivered, its offset is recorded with
  ``Store.set_persisted_offset``, as Faust's ``Table._on_changelog_sent`` does,
  so recovery starts where the store is. Faust's changelog reader, standbys
  and recovery are unchanged (faust-streaming has no batch changelog API).
- :func:`refresh_metadata`: aiokafka's consumer has no public call that waits
  for metadata of a topic it is not subscribed to (the global views assign
  partitions by hand); ``AIOKafkaClient.force_metadata_update`` is private.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiokafka
import faust
from faust.streams import _current_event, current_event
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer
from faust.types import TP, EventT

__all__ = ["FETCH_MAX_WAIT_MS", "DirectChangelog", "FastFetchConsumer", "SendRecord",
           "event_context", "refresh_metadata", "without_spinner"]

FETCH_MAX_WAIT_MS = 100


@contextmanager
def event_context(event: EventT[bytes]) -> Iterator[None]:
    """Make ``event`` Faust's current event, so table writes land in its partition."""
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


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


async def refresh_metadata(consumer: aiokafka.AIOKafkaConsumer) -> None:
    """Fetch cluster metadata now (topics created since the consumer started)."""
    await consumer._client.force_metadata_update()


def without_spinner(worker: faust.Worker) -> faust.Worker:
    """Keep the root logger at the configured level (no spinner, no DEBUG records)."""
    worker.spinner = None
    return worker


#: produce one record: topic, value, key, partition, and what to call with its offset
SendRecord = Callable[[str, bytes, bytes, int, Callable[[int], None]], None]


class DirectChangelog:
    """Writes a Faust table's store and sends its changelog record ourselves."""

    def __init__(self, table: Any, send: SendRecord) -> None:
        self._store = table.data
        self._send = send
        self.topic: str = table.changelog_topic.get_topic_name()

    def __setitem__(self, key: str, raw: bytes) -> None:
        event = current_event()
        if event is None:
            raise RuntimeError("a table write needs a current event (event_context)")
        partition: int = event.message.partition
        store = self._store
        store[key] = raw  # the RocksDB partition of the current event
        tp = TP(self.topic, partition)

        def persisted(offset: int) -> None:
            store.set_persisted_offset(tp, offset)

        self._send(self.topic, raw, key.encode(), partition, persisted)
