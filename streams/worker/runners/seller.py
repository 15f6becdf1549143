"""The seller agent's runner: listings, orders, reports and network facts of a seller.

A record's path, in order (one batch at a time, all synchronous):

1. **Read.** :meth:`Runner.on_batch` notes each record for its ordered ack
   (``checkpointing.ordered_acks``) and its offset for the lag metric.
2. **Decode.** A record that breaks the contract is dead-lettered with its
   original bytes and counts as done.
3. **Merge.** Per partition, the :class:`~signals.eventtime.merge.EventTimeMerger`
   holds a record until the seller's other input topics have shown a later
   event time (or are idle), so listings, orders and reports leave in
   event-time order, as replay reads them.
4. **Epoch gate.** A merged record of epoch N waits in
   :class:`~streams.worker.runners.epoch_marks.SellerEpochs` until every image
   partition has passed on the seller-network news of the epochs it may count
   (marks arrive on the network-facts topic, read by a second agent that calls
   :meth:`SellerRunner.on_batch` too, so news never queues behind inputs).
5. **Process.** ``signals.processors.process_seller`` updates the live state
   (``checkpointing.state_cache``) and returns alerts, sent at once, and facts,
   packed per destination partition by the :class:`Emitter`.
6. **Flush.** Every 2 s or per 2,000 finished records of a partition (10 s
   and 10,000 while it catches up: ``checkpointing.flush_timing``),
   its dirty sellers are written to the table (RocksDB and changelog) and the
   packed facts are handed to the producer.
7. **Ack.** Only then are the partition's finished records acked, in offset
   order per topic-partition; Faust commits the acked prefix after flushing the
   producer, so a crash replays at most the unflushed tail, which
   ``process_seller`` de-duplicates by event id.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from signals.contract.decode import decode
from signals.contract.events import ListingEvent, OrderEvent, ReportEvent
from signals.errors import BrandguardError, ProcessingError
from signals.eventtime.merge import EventTimeMerger
from signals.policy.config import PolicyConfig
from signals.processors import Context, NetworkFact, SellerState, process_seller
from signals.processors.messages import EpochMark
from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.global_views import GlobalViews
from streams.worker.monitoring.governance import GovernanceMonitor
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import CachedRunner, RawEvent, load_facts
from streams.worker.runners.emitter import Emitter
from streams.worker.runners.epoch_marks import SellerEpochs

__all__ = ["Held", "SellerRunner"]

SellerInput = ListingEvent | OrderEvent | ReportEvent | NetworkFact
#: an input event waiting in the merger or at the epoch gate, with its decoded form
Held = tuple[RawEvent, ListingEvent | OrderEvent | ReportEvent]


class SellerRunner(CachedRunner[SellerState]):
    name = "seller"
    table_name = "sellers"

    def __init__(self, cache: StateCache[SellerState], views: GlobalViews,
                 schemas: dict[str, str], network_topic: str, emitter: Emitter,
                 metrics: Metrics, epochs: SellerEpochs[Held],
                 backlog: Callable[[str, int], bool | None] | None = None,
                 caught_up: Callable[[str, int], bool] | None = None,
                 idle_after: float = 0.5, grace: float | None = None,
                 **timing: Any) -> None:
        """``backlog``: whether a topic-partition has records in Kafka not handed over
        yet (None: unknown); ``grace``: how long a record waits for a caught-up input
        (:class:`~signals.eventtime.merge.EventTimeMerger`); ``timing``:
        ``flush_every``, ``flush_interval``, ``catchup_flush_interval`` and ``lagging``
        (:class:`Runner`)."""
        super().__init__(cache, emitter, metrics, **timing)
        self.epochs = epochs
        self.views = views
        self.schemas = schemas  # input topic -> schema its records must carry
        self.network_topic = network_topic
        self.policy = PolicyConfig()
        self.idle_after = idle_after
        self.grace = grace
        self.backlog = backlog or (lambda topic, partition: None)
        # Stricter than "no backlog": the consumer has shown this partition's end.
        self.caught_up = caught_up or (lambda topic, partition: True)
        self._mergers: dict[int, EventTimeMerger[Held]] = {}
        self._dedup_hits: Counter[str] = Counter()
        #: shadow decisions and drift of what this worker scores (shared with the learner)
        self.governance = GovernanceMonitor(metrics, self.policy)

    def handle_batch(self, events: Sequence[RawEvent]) -> list[RawEvent]:
        ctx = self._context()
        done: list[RawEvent] = []
        touched: set[int] = set()
        now = time.monotonic()
        late = self._late()
        for event in events:
            msg = event.message
            if msg.topic == self.network_topic:
                done.extend(self._network(event, ctx))
                continue
            try:
                decoded = decode(event.value, expected_schema=self.schemas[msg.topic])
            except BrandguardError as err:
                self._dead(event, err)
                done.append(event)
                continue
            assert isinstance(decoded, ListingEvent | OrderEvent | ReportEvent)
            merger = self._merger(msg.partition)
            if msg.partition not in touched:
                touched.add(msg.partition)
                self._set_backlog(merger, msg.partition)
            merger.add(msg.topic, decoded.ts, (event, decoded), now)
        # the whole batch is in the mergers before any record goes on (merge.add)
        for partition in touched:
            for item in self._mergers[partition].poll(now):
                self.epochs.hold(partition, item[1].ts, item, now)
            done.extend(self._drain(partition, ctx))
        self.metrics.merge_late.inc(self._late() - late)
        self._count_batch()
        return done

    def _late(self) -> int:
        """Records the mergers got after a later one had gone (out of event-time order)."""
        return sum(merger.late for merger in self._mergers.values())

    def handle(self, event: RawEvent) -> list[RawEvent]:
        return self.handle_batch([event])

    def release(self, partition: int, now: float) -> list[RawEvent]:
        merger = self._mergers.get(partition)
        if merger is None:
            return []
        self._set_backlog(merger, partition)
        for item in merger.poll(now):
            self.epochs.hold(partition, item[1].ts, item, now)
        self.epochs.tick(partition, now, backlog=self._unread(partition) or len(merger) > 0)
        done = self._drain(partition, self._context())
        self._count_batch()
        return done

    def tick_unseen(self, partitions: set[int], now: float) -> None:
        """Assigned partitions this worker has no event of: they may be idle, and
        the other partitions must hear so."""
        for partition in partitions - self._mergers.keys():
            self.epochs.tick(partition, now, backlog=self._unread(partition))

    def held(self) -> int:
        """Records waiting in the mergers or at the epoch gate."""
        return self.epochs.held() + sum(len(m) for m in self._mergers.values())

    def _set_backlog(self, merger: EventTimeMerger[Held], partition: int) -> None:
        for topic in self.schemas:
            merger.set_backlog(topic, self.backlog(topic, partition))

    def _unread(self, partition: int) -> bool:
        return not all(self.caught_up(topic, partition) for topic in self.schemas)

    def _context(self) -> Context:
        # observe: every scored listing feeds the drift monitors (and the shadow's figures)
        return Context(self.views.registry, self.views.brand_views, self.views.model,
                       self.policy, time.time(), None, True)

    def _network(self, event: RawEvent, ctx: Context) -> list[RawEvent]:
        """A packed record of network facts and image partitions' marks."""
        partition = event.message.partition
        try:
            facts = load_facts(event.value)
        except BrandguardError as err:
            self._dead(event, err)
            return [event]
        marked = news = False
        for fact in facts:
            if isinstance(fact, EpochMark):
                self.epochs.heard(partition, fact)
                marked = True
            elif isinstance(fact, NetworkFact):
                self._apply(event, fact, ctx)
                news = True
            else:
                self._dead(event, ProcessingError(f"{fact.kind} fact on the network topic"))
        if news:  # records of marks alone are protocol, not input
            self.counts[(event.message.topic, "processed")] += 1
        return [event, *self._drain(partition, ctx)] if marked else [event]

    def _drain(self, partition: int, ctx: Context) -> list[RawEvent]:
        done: list[RawEvent] = []
        # One batch at a time: the next epoch's mark may go out only after this
        # batch's image facts have been emitted (the emitter keeps their order).
        while batch := self.epochs.release(partition, time.monotonic()):
            for event, decoded in batch:
                self._apply(event, decoded, ctx)  # reads state only: no current event needed
                done.append(event)
        return done

    def _merger(self, partition: int) -> EventTimeMerger[Held]:
        merger = self._mergers.get(partition)
        if merger is None:
            merger = self._mergers[partition] = EventTimeMerger(
                self.schemas, self.idle_after, time.monotonic(), grace=self.grace)
        return merger

    def _apply(self, event: RawEvent, msg: SellerInput, ctx: Context) -> None:
        try:
            state = self.cache.get(msg.seller_id, event.message.partition)
            first_report = _is_first_report(state, msg)
            if type(msg) is not NetworkFact:  # the champion in force at the event's time
                self.views.select(ctx, msg.ts)
            out = process_seller(state, msg, ctx)
        except BrandguardError as err:
            self._dead(event, err)
            return
        except Exception as exc:  # a bug must cost one record, not the worker
            self._dead(event, ProcessingError(f"{type(exc).__name__}: {exc}"))
            return
        if isinstance(msg, NetworkFact):
            pass  # counted per record by _network
        elif out.duplicate:
            self.counts[(event.message.topic, "duplicate")] += 1
            self._dedup_hits[event.message.topic] += 1
        else:
            self.counts[(event.message.topic, "processed")] += 1
            is_filing = type(msg) is ReportEvent and msg.status == "filed"
            self.governance.event(is_filing, msg.brand_id if is_filing else None)
        if first_report and not out.duplicate:
            snap = state.listings.get(msg.listing_id)  # type: ignore[union-attr]
            alerted = snap is not None and snap.alerted_at is not None
            self.metrics.first_reports.labels("true" if alerted else "false").inc()
        for alert in out.alerts:
            self.emit.alert(alert, event.message.headers)
        for fact in out.facts:
            self.emit.fact(fact, event.message.headers)
        if out.scored:
            self.governance.observe(out.scored)

    def _count_batch(self) -> None:
        """Counts gathered over a batch, into their metrics."""
        for topic, n in self._dedup_hits.items():
            self.metrics.dedup_hits.labels(topic).inc(n)
        self._dedup_hits.clear()
        self.governance.flush()

    def reset_state(self) -> None:
        self._mergers.clear()
        self.epochs.forget()
        super().reset_state()


def _is_first_report(state: SellerState, msg: SellerInput) -> bool:
    if not isinstance(msg, ReportEvent) or msg.status != "filed":
        return False
    snap = state.listings.get(msg.listing_id)
    return snap is not None and snap.first_report_at is None
