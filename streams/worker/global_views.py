"""Views every worker reads in full: the brand registry, brand views, the model.

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
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
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
        self.ready = asyncio.Event()
        internal = internal_topics(settings)
        self._topics = (settings.topics.brands, internal.brand_views, internal.model)

    def apply(self, topic: str, value: bytes | None) -> None:
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
                self.model = RiskModel.from_dict(orjson.loads(value), rule_prior)
        except (BrandguardError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Bad brand records are dead-lettered by the registry agent; here they are skipped.
            log.debug("global view skipped a record of %s: %s", topic, exc)

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
                    self.apply(tp.topic, record.value)
            if not self.ready.is_set():
                positions = {tp: await consumer.position(tp) for tp in ends}
                if all(positions[tp] >= end for tp, end in ends.items()):
                    self.ready.set()
