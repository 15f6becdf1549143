"""Per-agent glue: decode, hand to a ``signals`` processor, emit, flush state, ack.

Agents take the records Faust has buffered, a batch at a time, and pass each
batch here. A runner applies it to in-memory state (``StateCache``) and emits
the outputs. A flush snapshots a partition's dirty state and sends its packed
facts; once every output produced before the flush is delivered, the snapshot
is written to the table and the records are acked, in offset order
(``streams.worker.checkpointing``). Everything
that costs per call rather than per event (the clock, metric label look-ups,
flush checks) happens once per batch, so the ``signals`` core dominates. All
of this is synchronous, so two coroutines (an agent and the flush timer) never
interleave inside one batch.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from faust.types import EventT

from signals.errors import BrandguardError, ProcessingError
from signals.processors.messages import EpochMark, Fact, fact_from_dict
from streams.worker.checkpointing.flush_timing import FlushTiming
from streams.worker.checkpointing.ordered_acks import OrderedAcks
from streams.worker.checkpointing.state_cache import Serialisable, StateCache
from streams.worker.faust_internals import event_context
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.emitter import Emitter

__all__ = ["CachedRunner", "RawEvent", "Runner", "load_facts"]

#: a Faust event whose key and value are the record's raw bytes
RawEvent = EventT[bytes]
S = TypeVar("S", bound=Serialisable)


@dataclass
class _Flushed:
    """A partition's flush waiting for its outputs', then its state's, delivery."""

    ticket: int
    partition: int
    events: list[RawEvent]
    snapshot: Any
    context: RawEvent
    #: covers the state's changelog records once written
    written: int | None = None


class Runner:
    """Shared flush-and-ack bookkeeping; subclasses implement :meth:`handle`."""

    name = "runner"

    def __init__(self, emitter: Emitter, metrics: Metrics, flush_every: int = 2000,
                 flush_interval: float = 2.0, catchup_flush_interval: float | None = None,
                 lagging: Callable[[int], bool] | None = None) -> None:
        """``lagging(partition)``: whether the partition is catching up, so flushes
        follow ``catchup_flush_interval`` (:class:`FlushTiming`)."""
        self.emit = emitter
        self.metrics = metrics
        self.timing = FlushTiming(flush_interval, flush_every, catchup_flush_interval)
        self.lagging = lagging or (lambda partition: False)
        self._pending: dict[int, list[RawEvent]] = {}
        self.acks = OrderedAcks()
        self._last: dict[int, RawEvent] = {}
        self._flushed_at: dict[int, float] = {}
        self.positions: dict[tuple[str, int], int] = {}
        #: (topic, outcome) counts of the batch in hand, added to the metric once
        self.counts: Counter[tuple[str, str]] = Counter()
        self._undelivered: deque[_Flushed] = deque()

    # -- subclass interface -------------------------------------------------
    def handle(self, event: RawEvent) -> list[RawEvent]:
        """Process (or buffer) one event; return the events now fully processed."""
        raise NotImplementedError

    def handle_batch(self, events: Sequence[RawEvent]) -> list[RawEvent]:
        """Process a batch in read order; return the events now fully processed."""
        done: list[RawEvent] = []
        for event in events:
            done.extend(self.handle(event))
        return done

    def release(self, partition: int, now: float) -> list[RawEvent]:
        """Events a time-based rule lets go (merger idling); none by default."""
        return []

    def snapshot_state(self, partition: int) -> Any:
        """The partition's changed state, taken now, written by :meth:`write_state`."""
        return None

    def write_state(self, snapshot: Any) -> None:
        """Put a snapshot in the table (runs with an event of its partition current)."""
        return None

    # -- driver ---------------------------------------------------------------
    def on_batch(self, events: Sequence[RawEvent]) -> None:
        """One batch as Faust handed it over, in read order."""
        if not events:
            return
        now = time.monotonic()
        topics: set[str] = set()
        for event in events:
            msg = event.message
            self.acks.received(event, now)
            self._last[msg.partition] = event
            self.positions[(msg.topic, msg.partition)] = msg.offset
            topics.add(msg.topic)
        wall = time.time()
        for topic in topics:
            self.metrics.last_event.labels(topic).set(wall)
        started = time.perf_counter()
        done = self.handle_batch(events)
        self.metrics.processing.labels(self.name).observe(time.perf_counter() - started)
        self._count()
        partitions: set[int] = set()
        for event in done:
            partition = event.message.partition
            self._pending.setdefault(partition, []).append(event)
            partitions.add(partition)
        now = time.monotonic()
        for partition in partitions:
            self._maybe_flush(partition, now)
        self.ack_delivered()

    def on_event(self, event: RawEvent) -> None:
        """A batch of one (tests and callers that have a single record)."""
        self.on_batch([event])

    def _count(self) -> None:
        for (topic, outcome), n in self.counts.items():
            self.metrics.events.labels(topic, outcome).inc(n)
        self.counts.clear()

    def _maybe_flush(self, partition: int, now: float) -> None:
        pending = self._pending.get(partition)
        if not pending:
            return
        # never flushed: due (the monotonic clock starts near 0 when the host boots)
        last = self._flushed_at.get(partition)
        if self.timing.due(len(pending), None if last is None else now - last,
                           self.lagging(partition)):
            self.flush(partition, now)

    def flush(self, partition: int, now: float) -> None:
        """Snapshot the partition's state and send its packed facts; the snapshot is
        written and the events acked once those outputs are delivered."""
        snapshot = self.snapshot_state(partition)
        self.emit.flush()
        self._undelivered.append(_Flushed(self.emit.ticket(), partition,
                                          self._pending.pop(partition, []), snapshot,
                                          self._last[partition]))
        self._flushed_at[partition] = now

    def ack_delivered(self) -> None:
        """Flushes in order: once the outputs are delivered, write the state; once its
        changelog records are delivered too, ack the records."""
        out = self.emit.out
        while self._undelivered:
            head = self._undelivered[0]
            if head.written is None:
                if not out.delivered(head.ticket):
                    return
                with event_context(head.context):
                    self.write_state(head.snapshot)
                head.written = out.ticket()
            if not out.delivered(head.written):
                return
            self._undelivered.popleft()
            self.acks.flushed(head.partition, head.events)

    def undelivered(self) -> int:
        """Flushes waiting for their outputs' delivery."""
        return len(self._undelivered)

    def reset(self) -> None:
        """Partitions were revoked: forget everything not yet acked.

        Faust seeks every newly assigned partition back to its committed offset,
        so unacked records are read again and rebuild what is dropped here. The
        positions go too: kept, a partition read to its end before the revocation
        would look caught up while its unacked records are read again, and the
        merger and the epoch gate would stop waiting for it.
        """
        self.positions.clear()
        self._pending.clear()
        self._last.clear()
        self._undelivered.clear()
        self.acks.forget()
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def tick(self) -> None:
        """Timer: release idle-held events and flush the partitions that are due, in
        their context; send the other partitions' packed facts at once, so a quiet
        stream's facts wait for the timer, not for the next state write."""
        now = time.monotonic()
        for partition, event in list(self._last.items()):
            with event_context(event):
                self._pending.setdefault(partition, []).extend(self.release(partition, now))
            self._count()
            self._maybe_flush(partition, now)
        self.emit.flush()
        self.ack_delivered()
        self.metrics.oldest_unacked.labels(self.name).set(self.acks.oldest_age(now))

    def guarded(self, event: RawEvent, work: Callable[[], None]) -> bool:
        """Run ``work``; our errors and bugs alike dead-letter the record, never the agent.

        Whether ``work`` finished."""
        try:
            work()
        except BrandguardError as err:
            self._dead(event, err)
            return False
        except Exception as exc:  # a bug must cost one record, not the worker
            self._dead(event, ProcessingError(f"{type(exc).__name__}: {exc}"))
            return False
        return True

    def _dead(self, event: RawEvent, err: BrandguardError) -> None:
        msg = event.message
        self.emit.dead(msg.topic, msg.partition, msg.offset, msg.key, msg.value or b"", err,
                       msg.headers, msg.timestamp)


class CachedRunner(Runner, Generic[S]):
    """A runner whose state is one :class:`StateCache` over one table."""

    table_name = "state"

    def __init__(self, cache: StateCache[S], emitter: Emitter, metrics: Metrics,
                 **timing: Any) -> None:
        super().__init__(emitter, metrics, **timing)
        self.cache = cache

    def reset_state(self) -> None:
        self.cache.forget()

    def snapshot_state(self, partition: int) -> list[tuple[str, bytes]]:
        return self.cache.snapshot(partition)

    def write_state(self, snapshot: Any) -> None:
        evicted = self.cache.evicted
        self.cache.write(snapshot)
        if self.cache.evicted > evicted:
            self.metrics.state_evictions.labels(self.table_name).inc(self.cache.evicted - evicted)
        self.metrics.table_keys.labels(self.table_name).set(len(self.cache))
        self.metrics.table_bytes.labels(self.table_name).set(self.cache.bytes)


def load_facts(raw: bytes | None) -> list[Fact | EpochMark]:
    """The facts and marks of one internal record: a packed array, or one fact alone
    (what releases before packing wrote, still in the topic after an upgrade)."""
    try:
        data: Any = orjson.loads(raw or b"")
    except orjson.JSONDecodeError as exc:
        raise ProcessingError(f"internal record is not JSON: {exc}") from exc
    items = data if isinstance(data, list) else [data]
    try:
        return [fact_from_dict(item) for item in items]
    except (KeyError, TypeError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise ProcessingError(f"internal record holds no fact: {reason}") from exc
