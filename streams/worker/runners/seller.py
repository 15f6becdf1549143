"""The seller agent's runner: listings, orders, reports and network facts of a seller."""

from __future__ import annotations

import time
from collections.abc import Callable

from signals.contract.decode import decode
from signals.contract.events import ListingEvent, OrderEvent, ReportEvent
from signals.errors import BrandguardError
from signals.eventtime.merge import EventTimeMerger
from signals.policy.config import PolicyConfig
from signals.processors import Context, NetworkFact, SellerState, process_seller
from signals.processors.messages import EpochMark
from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.faust_internals import event_context
from streams.worker.global_views import GlobalViews
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import CachedRunner, RawEvent, load_fact
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
                 backlog: Callable[[str, int], bool] | None = None,
                 caught_up: Callable[[str, int], bool] | None = None,
                 idle_after: float = 0.5) -> None:
        super().__init__(cache, emitter, metrics)
        self.epochs = epochs
        self.views = views
        self.schemas = schemas  # input topic -> schema its records must carry
        self.network_topic = network_topic
        self.policy = PolicyConfig()
        self.idle_after = idle_after
        self.backlog = backlog or (lambda topic, partition: False)
        # Stricter than "no backlog": the consumer has shown this partition's end.
        self.caught_up = caught_up or (lambda topic, partition: True)
        self._mergers: dict[int, EventTimeMerger[Held]] = {}

    def handle(self, event: RawEvent) -> list[RawEvent]:
        msg = event.message
        if msg.topic == self.network_topic:
            loaded: list[NetworkFact | EpochMark] = []
            self.guarded(event, lambda: loaded.append(load_fact(event.value)))
            if not loaded:
                return [event]  # dead-lettered: an internal record we cannot read
            fact = loaded[0]
            if isinstance(fact, EpochMark):
                self.epochs.heard(msg.partition, fact)
                return [event, *self._drain(msg.partition)]
            self._apply(event, fact)
            return [event]
        try:
            decoded = decode(event.value, expected_schema=self.schemas[msg.topic])
        except BrandguardError as err:
            self._dead(event, err)
            return [event]
        assert isinstance(decoded, ListingEvent | OrderEvent | ReportEvent)
        merger = self._merger(msg.partition)
        for topic in self.schemas:
            merger.set_backlog(topic, self.backlog(topic, msg.partition))
        released = merger.push(msg.topic, decoded.ts, (event, decoded), time.monotonic())
        return self._hold(msg.partition, released)

    def release(self, partition: int, now: float) -> list[RawEvent]:
        merger = self._mergers.get(partition)
        if merger is None:
            return []
        for topic in self.schemas:
            merger.set_backlog(topic, self.backlog(topic, partition))
        released = merger.poll(now)
        self.epochs.tick(partition, now, backlog=self._unread(partition) or len(merger) > 0)
        return self._hold(partition, released)

    def tick_unseen(self, partitions: set[int], now: float) -> None:
        """Assigned partitions this worker has no event of: they may be idle, and
        the other partitions must hear so."""
        for partition in partitions - self._mergers.keys():
            self.epochs.tick(partition, now, backlog=self._unread(partition))

    def _unread(self, partition: int) -> bool:
        return not all(self.caught_up(topic, partition) for topic in self.schemas)

    def _hold(self, partition: int, released: list[Held]) -> list[RawEvent]:
        """Merged events wait at the epoch gate for the other partitions' network news."""
        now = time.monotonic()
        for item in released:
            self.epochs.hold(partition, item[1].ts, item, now)
        return self._drain(partition)

    def _drain(self, partition: int) -> list[RawEvent]:
        done: list[RawEvent] = []
        # One batch at a time: the next epoch's mark may go out only after this
        # batch's image facts have been sent.
        while batch := self.epochs.release(partition, time.monotonic()):
            done.extend(self._process(batch))
        return done

    def _merger(self, partition: int) -> EventTimeMerger[Held]:
        merger = self._mergers.get(partition)
        if merger is None:
            merger = self._mergers[partition] = EventTimeMerger(
                self.schemas, self.idle_after, time.monotonic())
        return merger

    def _process(self, released: list[Held]) -> list[RawEvent]:
        for event, decoded in released:
            with event_context(event):
                self._apply(event, decoded)
        return [event for event, _ in released]

    def _apply(self, event: RawEvent, msg: SellerInput) -> None:
        def work() -> None:
            state = self.cache.get(msg.seller_id, event.message.partition)
            ctx = Context(self.views.registry, self.views.brand_views, self.views.model,
                          self.policy, time.time())
            first_report = _is_first_report(state, msg)
            out = process_seller(state, msg, ctx)
            if first_report and not out.duplicate:
                snap = state.listings.get(msg.listing_id)  # type: ignore[union-attr]
                alerted = snap is not None and snap.alerted_at is not None
                self.metrics.first_reports.labels("true" if alerted else "false").inc()
            topic = event.message.topic
            self.metrics.events.labels(topic, "duplicate" if out.duplicate else "processed").inc()
            if out.duplicate:
                self.metrics.dedup_hits.labels(topic).inc()
            for alert in out.alerts:
                self.emit.alert(alert)
            for fact in out.facts:
                self.emit.fact(fact)

        self.guarded(event, work)

    def reset_state(self) -> None:
        self._mergers.clear()
        self.epochs.forget()
        super().reset_state()


def _is_first_report(state: SellerState, msg: SellerInput) -> bool:
    if not isinstance(msg, ReportEvent) or msg.status != "filed":
        return False
    snap = state.listings.get(msg.listing_id)
    return snap is not None and snap.first_report_at is None
