"""Views every worker reads in full: the brand registry, brand views, the models,
and the governance records (promotions, rollbacks) that say which model serves when.

Each worker reads these compacted topics from the beginning with its own
consumer outside the consumer group (every worker needs every partition),
and is ready once it has caught up with the end offsets it saw at start.
"""

from __future__ import annotations

import asyncio
import logging

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from signals.contract.decode import decode
from signals.contract.events import BrandEvent
from signals.errors import BrandguardError
from signals.features.listing import BrandView
from signals.governance.control import ControlRecord, read_control
from signals.governance.lineages import Lineages, select_published
from signals.governance.spec import parse_spec
from signals.model.online import MODEL_FAMILY, RiskModel
from signals.model.prior import rule_prior
from signals.processors.outputs import Context
from signals.registry import Registry
from streams.worker.faust_internals import refresh_metadata
from streams.worker.security import aiokafka_kwargs
from streams.worker.settings import Settings
from streams.worker.topics import internal_topics

__all__ = ["GlobalViews"]

log = logging.getLogger(__name__)


class GlobalViews:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.registry = Registry()
        self.brand_views: dict[str, BrandView] = {}
        self.model = RiskModel(rule_prior)
        #: the latest snapshot of every other lineage (challenger, promoted), by name
        self.models: dict[str, RiskModel] = {}
        self.controls: dict[str, ControlRecord] = {}
        challenger = parse_spec(settings.challenger) if settings.challenger else None
        self._challenger = challenger
        #: None while there is neither a challenger nor a control record: no shadow
        self.lineages: Lineages | None = None if challenger is None else Lineages(challenger)
        #: control records read after the stream had passed their effective time
        self.late_controls = 0
        #: the latest event time a scorer has seen (late control records are counted)
        self.stream_ts = 0.0
        self.ready = asyncio.Event()
        internal = internal_topics(settings)
        self._topics = (settings.topics.brands, internal.brand_views, internal.model,
                        internal.governance)

    def lineage(self, name: str) -> RiskModel:
        """The latest published model of lineage ``name`` (fresh until its first)."""
        if name == MODEL_FAMILY:
            return self.model
        model = self.models.get(name)
        if model is None and self.lineages is not None:
            config = self.lineages.configs().get(name)
            model = self.models[name] = RiskModel(rule_prior, config)
        return model if model is not None else self.model

    def select(self, ctx: Context, ts: float) -> None:
        """Point ``ctx`` at the champion and shadow serving event time ``ts``."""
        if self.lineages is not None:
            select_published(ctx, self.lineage, self.lineages, ts)
            if ts > self.stream_ts:
                self.stream_ts = ts

    def apply(self, topic: str, value: bytes | None, key: bytes | None = None) -> None:
        if value is None:
            return
        internal = internal_topics(self.settings)
        try:
            if topic == self.settings.topics.brands:
                event = decode(value, expected_schema="brand.v1")
                if isinstance(event, BrandEvent):
                    self.registry.upsert(event)
            elif topic == internal.brand_views:
                data = orjson.loads(value)
                self.brand_views[data["brand_id"]] = BrandView(**data)
            elif topic == internal.model:
                model = RiskModel.from_dict(orjson.loads(value), rule_prior)
                if model.config.name == MODEL_FAMILY:
                    self.model = model
                else:
                    self.models[model.config.name] = model
            elif topic == internal.governance:
                self._control(read_control(value))
        except (BrandguardError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Bad brand records are dead-lettered by the registry agent; here they are skipped.
            log.debug("global view skipped a record of %s: %s", topic, exc)

    def _control(self, record: ControlRecord) -> None:
        if record.record_id in self.controls:
            return
        self.controls[record.record_id] = record
        if self.ready.is_set() and record.effective_at <= self.stream_ts:
            self.late_controls += 1
            log.error("control record %s takes effect at an event time this worker has "
                      "passed: live and replay may differ", record.record_id)
        self.lineages = Lineages(self._challenger, list(self.controls.values()))

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.settings.bootstrap, group_id=None,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    **aiokafka_kwargs(self.settings))
        await consumer.start()
        try:
            parts = await self._partitions(consumer)
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            ends = await consumer.end_offsets(parts)
            await self._consume(consumer, ends)
        finally:
            await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        """Every partition of the view topics, waiting for metadata of fresh topics."""
        for _attempt in range(300):
            await refresh_metadata(consumer)
            known = {t: consumer.partitions_for_topic(t) for t in self._topics}
            if all(known.values()):
                return [TopicPartition(t, p) for t, ps in known.items() for p in sorted(ps or ())]
            await asyncio.sleep(0.2)
        raise RuntimeError(f"no metadata for {self._topics}")

    async def _consume(self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for tp, records in batch.items():
                for record in records:
                    self.apply(tp.topic, record.value, record.key)
            if not self.ready.is_set():
                positions = {tp: await consumer.position(tp) for tp in ends}
                if all(positions[tp] >= end for tp, end in ends.items()):
                    self.ready.set()
