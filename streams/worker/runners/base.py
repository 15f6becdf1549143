"""Per-agent glue: decode, hand to a ``signals`` processor, emit, flush state, ack.

Agents iterate a ``noack`` stream and pass each event here. A runner applies
it to in-memory state (``StateCache``), emits the outputs, and acks the event
only after its partition's state has been written to the table, and only in
offset order (``streams.worker.checkpointing.ordered_acks``). All of this
is synchronous, so two coroutines (the agent and the flush timer) never
interleave inside one record's processing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import orjson
from faust.types import EventT

from signals.errors import BrandguardError, ProcessingError
from signals.processors.messages import fact_from_dict
from streams.worker.checkpointing.ordered_acks import OrderedAcks
from streams.worker.checkpointing.state_cache import Serialisable, StateCache
from streams.worker.faust_internals import event_context
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.emitter import Emitter

__all__ = ["CachedRunner", "RawEvent", "Runner"]

#: a Faust event whose key and value are the record's raw bytes
RawEvent = EventT[bytes]
S = TypeVar("S", bound=Serialisable)


class Runner:
    """Shared flush-and-ack bookkeeping; subclasses implement :meth:`handle`."""

    name = "runner"

    def __init__(self, emitter: Emitter, metrics: Metrics, flush_every: int = 2000,
                 flush_interval: float = 1.0) -> None:
        self.emit = emitter
        self.metrics = metrics
        self.flush_every = flush_every
        self.flush_interval = flush_interval
        self._pending: dict[int, list[RawEvent]] = {}
        self.acks = OrderedAcks()
        self._last: dict[int, RawEvent] = {}
        self._flushed_at: dict[int, float] = {}
        self.positions: dict[tuple[str, int], int] = {}

    # -- subclass interface -------------------------------------------------
    def handle(self, event: RawEvent) -> list[RawEvent]:
        """Process (or buffer) one event; return the events now fully processed."""
        raise NotImplementedError

    def release(self, partition: int, now: float) -> list[RawEvent]:
        """Events a time-based rule lets go (merger idling); none by default."""
        return []

    def flush_state(self, partition: int) -> None:
        raise NotImplementedError

    # -- driver ---------------------------------------------------------------
    def on_event(self, event: RawEvent) -> None:
        msg = event.message
        self.acks.received(event, time.monotonic())
        self._last[msg.partition] = event
        self.positions[(msg.topic, msg.partition)] = msg.offset
        self.metrics.last_event.labels(msg.topic).set(time.time())
        started = time.perf_counter()
        done = self.handle(event)
        self.metrics.processing.labels(self.name).observe(time.perf_counter() - started)
        self._pending.setdefault(msg.partition, []).extend(done)
        self._maybe_flush(msg.partition, time.monotonic())

    def _maybe_flush(self, partition: int, now: float) -> None:
        pending = self._pending.get(partition, [])
        due = now - self._flushed_at.get(partition, 0.0) >= self.flush_interval
        if len(pending) >= self.flush_every or (pending and due):
            self.flush(partition, now)

    def flush(self, partition: int, now: float) -> None:
        self.flush_state(partition)
        self.acks.flushed(partition, self._pending.pop(partition, []))
        self._flushed_at[partition] = now

    def reset(self) -> None:
        """Partitions were revoked: forget everything not yet acked.

        Faust seeks every newly assigned partition back to its committed offset,
        so unacked records are read again and rebuild what is dropped here.
        """
        self._pending.clear()
        self._last.clear()
        self.acks.forget()
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def tick(self) -> None:
        """Timer: release idle-held events and flush every partition, in its context."""
        now = time.monotonic()
        for partition, event in list(self._last.items()):
            with event_context(event):
                self._pending.setdefault(partition, []).extend(self.release(partition, now))
                if self._pending.get(partition):
                    self.flush(partition, now)
        self.metrics.oldest_unacked.labels(self.name).set(self.acks.oldest_age(now))

    def guarded(self, event: RawEvent, work: Callable[[], None]) -> None:
        """Run ``work``; our errors and bugs alike dead-letter the record, never the agent."""
        try:
            work()
        except BrandguardError as err:
            self._dead(event, err)
        except Exception as exc:  # a bug must cost one record, not the worker
            self._dead(event, ProcessingError(f"{type(exc).__name__}: {exc}"))

    def _dead(self, event: RawEvent, err: BrandguardError) -> None:
        msg = event.message
        self.emit.dead(msg.topic, msg.partition, msg.offset, msg.key, msg.value or b"", err)


class CachedRunner(Runner, Generic[S]):
    """A runner whose state is one :class:`StateCache` over one table."""

    table_name = "state"

    def __init__(self, cache: StateCache[S], emitter: Emitter, metrics: Metrics,
                 **timing: Any) -> None:
        super().__init__(emitter, metrics, **timing)
        self.cache = cache

    def reset_state(self) -> None:
        self.cache.forget()

    def flush_state(self, partition: int) -> None:
        self.cache.flush(partition)
        self.metrics.table_keys.labels(self.table_name).set(len(self.cache))


def load_fact(raw: bytes) -> Any:
    return fact_from_dict(orjson.loads(raw))
