"""The Faust application: topics, tables, agents and timers, as thin glue.

``create_app(settings)`` builds everything; nothing connects at import time.

Producer and consumer settings, and why:
- Outputs, internal facts and the tables' changelog records go through one
  librdkafka producer (``checkpointing.delivery``: idempotent, acks from all
  in-sync replicas), not Faust's, which sends one record per event-loop turn.
  Faust's producer is left with what Faust itself sends; its settings
  (``producer_acks=-1``, ``producer_linger_ms=10``, 1 MiB batches, not threaded)
  are the safe ones.
- ``stream_buffer_maxsize`` (``BRANDGUARD_STREAM_BUFFER``): read-ahead for
  the event-time merger to see all three input topics, bounded memory, and room
  for what the consumer has fetched when Faust pauses a partition; a full queue
  makes Faust hand each record over by a task of its own.
- ``broker_max_poll_records`` (``BRANDGUARD_MAX_POLL_RECORDS``, 1,000): Faust's
  default hands over everything the consumer holds, which in a catch-up
  overfills the seller stream's queue, and Faust then hands each record past
  the top over by a task of its own while the consumer waits.
- ``consumer_max_fetch_size`` (``BRANDGUARD_PARTITION_FETCH_BYTES``, 64 KiB):
  a bounded poll drains fetched partitions one after another, so the smaller
  each partition's share of a fetch, the sooner every input topic reaches the
  event-time mergers and the first epoch marks can go out.
- ``broker_commit_interval=2.0``: commits often enough that a restart replays
  seconds, not minutes; replays are harmless because processors de-duplicate
  by event id. Only the timer commits (``broker_commit_every`` is out of
  reach): a count-triggered commit runs inside the loop that delivers records
  to every agent and stops it while the producer flushes (1-2.6 s measured),
  epoch marks included.
- ``stream_wait_empty=False``: on shutdown or rebalance, do not wait for every
  event handed to an agent to be acked. Events held at the epoch gate wait for
  other partitions' marks, which may never come once the worker stops; they are
  not committed, so the next owner reads them again (at-least-once).
- ``store="rocksdb://"``: Faust picks rocksdict when it is installed (it is a dependency).
- ``value_serializer='raw'``: records reach our own decoder untouched, so a
  bad record becomes a dead letter with its original bytes, not a Faust error.
- Agents run with ``concurrency=1`` and take ``noack`` batches
  (``noack_take``): an event is acked only after the state it changed has been
  written to its table, and in offset order
  (``streams.worker.checkpointing.ordered_acks``). Faust commits past an
  unacked record when a later one of its partition is acked first
  (faust-streaming #606, fix pending in #707), and the seller agent finishes
  records out of order: one waits at the epoch gate while the next is
  dead-lettered.
- Network facts and epoch marks have an agent of their own that feeds the
  seller runner: in the inputs' stream a mark would queue behind thousands of
  read-ahead records, and the seller agent could not stop reading ahead
  (``max_held``) without starving the marks that release what it holds.
  Faust co-partitions topics of equal partition count across agents, so
  network partition p comes to the worker that owns seller partition p.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import faust
from confluent_kafka import Producer
from faust.types import StreamT

from signals.contract.headers import cloudevents_source
from signals.policy.config import PolicyConfig
from signals.processors import BrandState, ImageState, LearnerState, SellerState
from streams.worker.admin import client_config
from streams.worker.checkpointing.delivery import DeliveryFailed, connect, producer_config
from streams.worker.faust_internals import FastFetchConsumer, discarding_table_manager
from streams.worker.global_views import GlobalViews
from streams.worker.lag import ConsumerLag
from streams.worker.memory.collector import CollectorTuning
from streams.worker.memory.heap_trim import HeapTrimmer
from streams.worker.monitoring.delivery_watch import DeliveryWatch
from streams.worker.monitoring.metrics import Metrics
from streams.worker.monitoring.sensor import HealthMonitor
from streams.worker.runners.base import RawEvent, Runner
from streams.worker.runners.emitter import Emitter
from streams.worker.runners.epoch_marks import ImageEpochs, SellerEpochs
from streams.worker.runners.facts import BrandRunner, ImageRunner, LearnerRunner, RegistryRunner
from streams.worker.runners.flow import FaustFlow, ReadAhead
from streams.worker.runners.seller import Held, SellerRunner
from streams.worker.settings import Settings
from streams.worker.tables import StateTables
from streams.worker.topics import internal_topics

__all__ = ["Brandguard", "create_app"]

log = logging.getLogger(__name__)

RAW: dict[str, Any] = {"key_type": bytes, "value_type": bytes,
                       "key_serializer": "raw", "value_serializer": "raw"}


class Brandguard:
    """The app plus the objects its agents and web views share."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.views = GlobalViews(settings)
        self.app = faust.App(
            settings.app_id, broker=f"kafka://{settings.bootstrap}", store="rocksdb://",
            datadir=str(settings.data_dir), topic_partitions=settings.partitions,
            topic_replication_factor=settings.replication_factor,
            table_standby_replicas=settings.standby_replicas,
            # web_bind is the listening address (loopback unless configured); web_host is
            # what other workers use to reach this one when they route a table lookup.
            web_bind=settings.web_host, web_host=settings.web_host, web_port=settings.web_port,
            web_enabled=True,
            producer_acks=-1, producer_linger_ms=10, stream_buffer_maxsize=settings.stream_buffer,
            broker_max_poll_records=settings.max_poll_records,
            consumer_max_fetch_size=settings.partition_fetch_bytes,
            producer_max_batch_size=1_048_576,
            producer_threaded=False, stream_wait_empty=False,
            broker_commit_every=1_000_000_000, broker_commit_interval=2.0,
            consumer_auto_offset_reset="earliest", value_serializer="raw",
            key_serializer="raw", monitor=HealthMonitor(self.metrics),
            # a store ahead of its changelog is rebuilt from it, not a crash at start
            TableManager=discarding_table_manager(self._on_store_discarded),
            **_security(settings),
        )
        self.runners: list[Runner] = []
        self.lag = ConsumerLag(self.app, self.metrics, settings.flush_every)
        self._ticks = 0
        self.heap = HeapTrimmer(settings.heap_trim_interval)
        #: installed by the worker command (tests and tools keep CPython's own)
        self.collector = CollectorTuning(settings.gc_thresholds)
        self._trimming: asyncio.Task[None] | None = None  # a reference keeps it alive
        self.tables = StateTables(self.app, settings, self._send_record)
        self.metrics.store_memory.watch(self.tables.databases)
        # Instance attribute: only this app's transport builds our consumer (faster
        # fetches; seeks with the flow stopped, so recovery loses no input record).
        self.app.transport.Consumer = FastFetchConsumer  # type: ignore[misc]
        self._build()

    def _on_store_discarded(self, table: str, partition: int, reason: str) -> None:
        self.metrics.stores_discarded.labels(table, reason).inc()

    def _topic(self, *names: str, **kw: Any) -> faust.TopicT:
        return self.app.topic(*names, **RAW, **kw)

    def _send_record(self, topic: str, value: bytes, key: bytes, partition: int,
                     on_delivered: Callable[[int], None]) -> None:
        self.outputs.send(topic, value, key, partition, on_delivered)

    def _emitter(self) -> Emitter:
        s, i = self.settings, internal_topics(self.settings)
        out = {"alerts": s.topics.alerts, "deadletter": s.topics.deadletter,
               "brand_listing": i.brand_facts, "brand_report": i.brand_facts,
               "image": i.image_facts, "network": i.network_facts,
               "training_example": i.examples, "model": i.model, "brand_views": i.brand_views,
               "registry": i.registry}
        fact_partitions = {"brand_listing": s.partitions, "brand_report": s.partitions,
                           "image": s.image_partitions, "network": s.partitions,
                           "training_example": 1}
        # librdkafka starts its threads here, when the app is built, not at import
        # librdkafka's log lines through Python logging (served by the producer's polls),
        # so they take the worker's log format instead of going to stderr as they are
        config = {**producer_config(client_config(s)), "logger": log}
        # refused alerts and dead letters are held and retried; internal records are not
        contract = [s.topics.alerts, s.topics.deadletter]
        self.outputs = connect(Producer, config, retry_topics=contract,
                               longest_retry=s.output_retry_max)
        self.delivery = DeliveryWatch(self.outputs, self.metrics, s.broker_timeout, contract)
        return Emitter(self.outputs, out, self.metrics, fact_partitions, batch_size=s.fact_batch,
                       ce_source=cloudevents_source(s.app_id, s.ce_source))

    def _build(self) -> None:
        s, i = self.settings, internal_topics(self.settings)
        emit = self._emitter()
        size, mb = s.state_cache_size, s.state_cache_mb
        self.sellers = self.tables.cache("sellers", SellerState.create, SellerState.from_dict,
                                         size, max_mb=mb)
        self.brands = self.tables.cache("brands", BrandState.create, BrandState.from_dict,
                                        size, max_mb=mb)
        images = self.tables.cache("images", ImageState.create, ImageState.from_dict, size,
                                   s.image_partitions, max_mb=mb)
        learner = self.tables.cache("learner", lambda _: LearnerState(),
                                    LearnerState.from_dict, size, 1)
        schemas = {s.topics.listings: "listing.v1", s.topics.orders: "order.v1",
                   s.topics.reports: "report.v1"}
        policy = PolicyConfig()
        timing = {"flush_every": s.flush_every, "flush_interval": s.flush_interval,
                  "catchup_flush_interval": s.catchup_flush_interval}
        seller_epochs: SellerEpochs[Held] = SellerEpochs(
            policy.network_epoch, s.image_partitions, partial(emit.mark, "image"), self.metrics,
            delay=policy.network_delay)
        image_epochs = ImageEpochs(s.partitions, partial(emit.mark, "network"))
        self.seller_runner = SellerRunner(self.sellers, self.views, schemas, i.network_facts,
                                          emit, self.metrics, seller_epochs,
                                          backlog=self._backlog, caught_up=self.lag.caught_up,
                                          grace=s.merge_grace, lagging=self.lag.lagging(schemas),
                                          **timing)
        wiring: list[tuple[str, Runner, faust.TopicT]] = [
            ("seller", self.seller_runner, self._topic(*schemas)),
            ("seller_network", self.seller_runner, self._topic(i.network_facts)),
            ("brand", BrandRunner(self.brands, emit, self.metrics,
                                  lagging=self.lag.lagging([i.brand_facts]), **timing),
             self._topic(i.brand_facts)),
            ("image", ImageRunner(images, emit, self.metrics, image_epochs,
                                  lagging=self.lag.lagging([i.image_facts]), **timing),
             self._topic(i.image_facts)),
            ("learner", LearnerRunner(learner, emit, self.metrics, self.views,
                                      self.seller_runner.governance), self._topic(i.examples)),
            ("registry", RegistryRunner(emit, self.metrics), self._topic(s.topics.brands)),
        ]
        for name, runner, topic in wiring:
            self._agent(runner, topic, name)
        flow = FaustFlow(self.app)
        self.read_ahead = ReadAhead(schemas, s.max_held, flow.pause, flow.resume)
        self.metrics.zero_topics([*schemas, s.topics.brands])
        self.app.timer(0.25)(self._tick)
        self.app.task(self.views.run)
        self.app.on_partitions_revoked.connect(self._on_revoked)  # type: ignore[arg-type]

    def _agent(self, runner: Runner, topic: faust.TopicT, name: str) -> None:
        if runner not in self.runners:
            self.runners.append(runner)
        self.lag.source_topics.update(topic.topics)
        views, size, within = self.views, self.settings.batch_max, self.settings.batch_wait

        async def agent(stream: StreamT[bytes]) -> None:
            await views.ready.wait()  # never score before the registry is loaded
            manual = cast(faust.Stream[bytes], cast(faust.Stream[bytes], stream).noack())
            async for batch in manual.noack_take(size, within=within):
                try:
                    runner.on_batch(cast(list[RawEvent], batch))
                except DeliveryFailed as exc:
                    await self._stop_for(exc)
                if runner is self.seller_runner:
                    self.read_ahead.update(self.seller_runner.epochs.held_by_partition())
                # yield so the web server (probes, scrapes) and timers keep their turn
                await asyncio.sleep(0)
                while self.outputs.refusing():  # back off: the timer retries them
                    await asyncio.sleep(0.25)

        agent.__name__ = f"{name}_agent"
        self.app.agent(topic, name=f"brandguard.{name}", concurrency=1)(agent)

    def _backlog(self, topic: str, partition: int) -> bool | None:
        """Whether the seller agent has records of this partition still in Kafka."""
        seen = self.seller_runner.positions.get((topic, partition))
        return self.lag.backlog(topic, partition, seen)

    async def _on_revoked(self, app: Any, revoked: Any, **kwargs: Any) -> None:
        self.lag.forget()
        self.read_ahead.forget()
        for runner in self.runners:
            runner.reset()

    async def _stop_for(self, exc: DeliveryFailed) -> None:
        """Internal outputs were lost (refused alerts and dead letters are retried
        instead): the events behind them must be processed again, by a fresh
        process, from the last commit (never acked, so never committed)."""
        log.error("stopping: an output could not be delivered: %s", exc)
        self.metrics.send_errors.labels("outputs").inc()
        await self.app.crash(exc)

    async def _tick(self) -> None:
        for runner in self.runners:
            try:
                runner.tick()
            except DeliveryFailed as exc:
                await self._stop_for(exc)
                return
        self.read_ahead.update(self.seller_runner.epochs.held_by_partition())
        self.metrics.epoch_held.set(self.seller_runner.epochs.held())
        self.delivery.update(time.monotonic())
        self.metrics.ready.set(1 if self.not_ready() is None else 0)
        self.metrics.governance_late.set(self.views.late_controls)
        self.seller_runner.governance.export()
        for generation, seconds in self.collector.pauses():
            self.metrics.child(self.metrics.gc_pause, str(generation)).observe(seconds)
        if self.heap.claim(time.monotonic()):
            self._trimming = asyncio.ensure_future(self._trim_heap())
        self._ticks += 1
        if self._ticks % 8 == 0:  # every 2 s: asking the consumer for positions is not free
            await self.lag.update(self.runners)
            inputs = {tp.partition for tp in self.app.consumer.assignment()
                      if tp.topic == self.settings.topics.listings}
            self.seller_runner.tick_unseen(inputs, time.monotonic())

    async def _trim_heap(self) -> None:
        with self.metrics.heap_trim.time():
            released = await asyncio.to_thread(self.heap.trim_now)
        self.metrics.heap_trimmed.inc(released)

    def not_ready(self) -> str | None:
        """Why /readyz says 503 (registry not loaded, outputs not delivered), or None."""
        if not self.views.ready.is_set():
            return "the brand registry is loading"
        return self.delivery.reason()


def _security(settings: Settings) -> dict[str, Any]:
    from streams.worker.security import faust_credentials

    credentials = faust_credentials(settings)
    return {} if credentials is None else {"broker_credentials": credentials}


def create_app(settings: Settings) -> Brandguard:
    return Brandguard(settings)
