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
- ``FastFetchConsumer.ack`` refuses records of an earlier assignment
  (generation): a Faust stream *acks* the records it skips for being of an
  older generation ("otherwise the lag would increase", ``Stream.__aiter__``),
  and those of a batch our agent took before a rebalance are acked too once
  done. Either lets Faust commit past offsets whose re-read copies are not
  processed yet, and a crash then loses them. Those records are read again
  after the rebalance's seek and acked then (no upstream issue found;
  faust-streaming #606 and #707 are about the commit side).
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
- :func:`discarding_table_manager`: a RocksDB partition whose persisted
  changelog offset is at or past the end of its changelog (a folder left by
  another app or cluster, a restored volume, a changelog deleted and
  re-created) makes Faust's recovery raise ``ConsistencyError`` and the worker
  never starts (faust-streaming #158, open; #597 for the empty-changelog
  variant). One whose offset is *behind* the end is worse: Faust reads on
  from there into a store full of another changelog's keys. Faust has no
  hook between reading the persisted offsets and that check, so our
  ``Recovery._build_offsets`` first checks each partition (:func:`stale_reason`;
  the store names the changelog it was built from in a file beside it) and,
  as Kafka Streams does with a corrupted task, discards the store partition
  and restores it from the whole changelog.
"""

from __future__ import annotations

import inspect
import logging
import shutil
import weakref
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiokafka
import faust
from faust.streams import _current_event, current_event
from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer
from faust.types import TP, EventT
from mode.services import WaitResults

__all__ = ["FETCH_MAX_WAIT_MS", "STALE_REASONS", "DirectChangelog", "FastFetchConsumer",
           "OnDiscard", "SendRecord", "discard_partition", "discarding_table_manager",
           "event_context", "refresh_metadata", "stale_reason", "store_owner",
           "without_spinner"]

log = logging.getLogger(__name__)

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


def without_spinner(worker: faust.Worker) -> faust.Worker:
    """Keep the root logger at the configured level (no spinner, no DEBUG records)."""
    worker.spinner = None
    return worker


#: produce one record: topic, value, key, partition, and what to call with its offset
SendRecord = Callable[[str, bytes, bytes, int, Callable[[int], None]], None]


class DirectChangelog:
    """Reads and writes a Faust table's RocksDB store by partition, and sends its
    changelog record ourselves.

    The partition is always known here (the current event's, or the caller's),
    so each access goes to that partition's database: Faust's ``Table.get``
    raises and catches a ``KeyError`` for every key it lacks, and its store
    keeps a key index we never read. What a store has applied of its changelog
    (``set_persisted_offset``) is written once per partition per write round,
    not once per delivered record: a store that says less than it has applied
    only replays a little more of its changelog at recovery.
    """

    def __init__(self, table: Any, send: SendRecord) -> None:
        self._store = table.data
        self._send = send
        self.topic: str = table.changelog_topic.get_topic_name()
        #: highest delivered changelog offset per partition, not yet written to its store
        self._applied: dict[int, int] = {}
        self._on_delivered: dict[int, Callable[[int], None]] = {}

    def databases(self) -> list[Any]:
        """The partitions' open RocksDB databases (for their memory figures)."""
        return list(self._store._dbs.values())

    def get(self, key: str, partition: int) -> bytes | None:
        """The stored value of ``key`` in ``partition``'s database (None: none)."""
        value: bytes | None = self._store._db_for_partition(partition).get(key.encode())
        return value

    def __setitem__(self, key: str, raw: bytes) -> None:
        event = current_event()
        if event is None:
            raise RuntimeError("a table write needs a current event (event_context)")
        partition: int = event.message.partition
        if self._applied:
            self.persist()
        self._store._db_for_partition(partition).put(key.encode(), raw)
        self._send(self.topic, raw, key.encode(), partition, self._delivered(partition))

    def persist(self) -> None:
        """Write the delivered changelog offsets to their stores."""
        applied = list(self._applied.items())
        self._applied.clear()  # in place: the delivery callbacks hold this dict
        for partition, offset in applied:
            self._store.set_persisted_offset(TP(self.topic, partition), offset)

    def _delivered(self, partition: int) -> Callable[[int], None]:
        remember = self._on_delivered.get(partition)
        if remember is None:
            applied = self._applied

            def remember(offset: int) -> None:
                if offset > applied.get(partition, -1):
                    applied[partition] = offset

            self._on_delivered[partition] = remember
        return remember


#: told of each discarded store partition: table name, partition, why (a :func:`stale_reason`)
OnDiscard = Callable[[str, int, str], None]


def stale_reason(offset: int | None, earliest: int, end: int, owner: str | None,
                 changelog: str) -> str | None:
    """Why a store partition cannot be read on from ``offset``; None if it can.

    ``offset``: the last changelog offset the store applied (None: empty store);
    ``earliest``/``end``: the changelog partition's first and next offsets;
    ``owner``: the changelog the store says it was built from (None: not said).

    >>> stale_reason(9, 0, 10, "app-sellers-changelog", "app-sellers-changelog") is None
    True
    >>> stale_reason(500, 0, 10, None, "app-sellers-changelog")
    'ahead_of_changelog'
    >>> stale_reason(3, 0, 10, "old-sellers-changelog", "app-sellers-changelog")
    'other_changelog'
    >>> stale_reason(3, 8, 10, None, "app-sellers-changelog")
    'before_changelog_start'

    Another changelog's store is stale even with no applied offset recorded: a
    worker stopped between writing states and recording their delivered offsets
    leaves data without one.

    >>> stale_reason(None, 0, 10, "old-sellers-changelog", "app-sellers-changelog")
    'other_changelog'
    """
    if owner is not None and owner != changelog:
        return "other_changelog"
    if offset is None or offset < 0:
        return None
    if offset >= end:
        return "ahead_of_changelog"
    if offset < earliest - 1:  # records it never applied are gone (retention)
        return "before_changelog_start"
    return None


STALE_REASONS = ("other_changelog", "ahead_of_changelog", "before_changelog_start")


def _owner_file(store: Any, partition: int) -> Path:
    path: Path = store.partition_path(partition)
    return path.with_name(path.name + ".changelog")


def store_owner(store: Any, partition: int) -> str | None:
    """The changelog a store partition was built from, as recorded beside it."""
    try:
        return _owner_file(store, partition).read_text().strip() or None
    except FileNotFoundError:
        return None


def discard_partition(store: Any, partition: int) -> None:
    """Close and delete one partition of a Faust RocksDB store; the next access
    opens it empty (``Store._db_for_partition``)."""
    db = store._dbs.pop(partition, None)
    if db is not None:
        db.close()  # releases RocksDB's lock on the folder (rocksdict)
    index = store._key_index
    for key in [key for key, owner in index.items() if owner == partition]:
        del index[key]
    shutil.rmtree(store.partition_path(partition), ignore_errors=True)


class _DiscardingRecovery(Recovery):
    on_discard: OnDiscard = staticmethod(lambda *_: None)

    async def _build_offsets(self, consumer: Any, tps: Any, destination: Any,
                             title: str) -> None:
        # ``destination`` holds the persisted offsets read at assignment; the
        # parent turns them into where reading starts, then the caller checks them.
        if tps:
            ends = await consumer.highwaters(*tps)
            starts = await consumer.earliest_offsets(*tps)
            for tp in sorted(tps):
                self._check(tp, destination, starts.get(tp) or 0, ends.get(tp) or 0, title)
        await super()._build_offsets(consumer, tps, destination, title)

    def _check(self, tp: TP, destination: Any, earliest: int, end: int, title: str) -> None:
        table: Any = self.tp_to_table[tp]
        store, offset = table.data, destination.get(tp)
        reason = stale_reason(offset, earliest, end, store_owner(store, tp.partition), tp.topic)
        if reason is not None:
            log.warning("discarding the %s store of %s partition %d (%s: it has applied "
                        "changelog offset %s of %s, whose offsets run %d-%d); restoring it "
                        "from the changelog", title, table.name, tp.partition, reason,
                        offset, tp.topic, earliest, end - 1)
            discard_partition(store, tp.partition)
            destination[tp] = None
            self.on_discard(table.name, tp.partition, reason)
        _owner_file(store, tp.partition).write_text(tp.topic + "\n")



def discarding_table_manager(on_discard: OnDiscard) -> type[TableManager]:
    """A TableManager (``faust.App(TableManager=...)``) whose recovery discards
    stale store partitions instead of raising ``ConsistencyError``."""
    recovery_class = type("DiscardingRecovery", (_DiscardingRecovery,),
                          {"on_discard": staticmethod(on_discard)})

    class DiscardingTableManager(TableManager):
        @property
        def recovery(self) -> Recovery:
            if self._recovery is None:
                self._recovery = recovery_class(self.app, self, beacon=self.beacon,
                                                loop=self.loop)
            return self._recovery

    return DiscardingTableManager
