"""Runners of the brand, image, learner and registry agents."""

from __future__ import annotations

import time

from signals.contract.decode import decode
from signals.errors import BrandguardError
from signals.policy.config import PolicyConfig
from signals.processors import (
    BrandListingFact,
    BrandReportFact,
    BrandState,
    ImageFact,
    ImageState,
    LearnerState,
    TrainingExample,
    process_brand,
    process_example,
    process_image,
)
from signals.processors.messages import EpochMark
from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import CachedRunner, RawEvent, Runner, load_fact
from streams.worker.runners.emitter import Emitter
from streams.worker.runners.epoch_marks import ImageEpochs

__all__ = ["BrandRunner", "ImageRunner", "LearnerRunner", "RegistryRunner"]


class BrandRunner(CachedRunner[BrandState]):
    name = "brand"
    table_name = "brands"

    def __init__(self, cache: StateCache[BrandState], emitter: Emitter, metrics: Metrics) -> None:
        super().__init__(cache, emitter, metrics)
        self.policy = PolicyConfig()

    def handle(self, event: RawEvent) -> list[RawEvent]:
        def work() -> None:
            fact = load_fact(event.value)
            assert isinstance(fact, BrandListingFact | BrandReportFact)
            state = self.cache.get(fact.brand_id, event.message.partition)
            out, view = process_brand(state, fact, self.policy, time.time())
            for alert in out.alerts:
                self.emit.alert(alert)
            if view is not None:
                self.emit.publish("brand_views", view.brand_id, {
                    "brand_id": view.brand_id, "reference_prices": dict(view.reference_prices),
                    "reliability": dict(view.reliability)})

        self.guarded(event, work)
        return [event]



class ImageRunner(CachedRunner[ImageState]):
    name = "image"
    table_name = "images"

    def __init__(self, cache: StateCache[ImageState], emitter: Emitter, metrics: Metrics,
                 epochs: ImageEpochs) -> None:
        super().__init__(cache, emitter, metrics)
        self.epochs = epochs

    def handle(self, event: RawEvent) -> list[RawEvent]:
        def work() -> None:
            fact = load_fact(event.value)
            if isinstance(fact, EpochMark):
                self.epochs.heard(event.message.partition, fact)
                return
            assert isinstance(fact, ImageFact)
            out = process_image(self.cache.get(fact.phash, event.message.partition), fact)
            for f in out.facts:
                self.emit.fact(f)

        self.guarded(event, work)
        return [event]

    def reset_state(self) -> None:
        self.epochs.forget()
        super().reset_state()



class LearnerRunner(CachedRunner[LearnerState]):
    """One learner: publishes the model snapshot when its state is flushed."""

    name = table_name = "learner"

    def __init__(self, cache: StateCache[LearnerState], emitter: Emitter, metrics: Metrics) -> None:
        super().__init__(cache, emitter, metrics, flush_every=200, flush_interval=2.0)
        self._changed = False

    def handle(self, event: RawEvent) -> list[RawEvent]:
        def work() -> None:
            example = load_fact(event.value)
            assert isinstance(example, TrainingExample)
            state = self.cache.get("learner", event.message.partition)
            if process_example(state, example):
                self._changed = True
                self.metrics.model_labels.labels("positive" if example.label else "negative").inc()

        self.guarded(event, work)
        return [event]

    def reset_state(self) -> None:
        super().reset_state()
        self._changed = False

    def flush_state(self, partition: int) -> None:
        super().flush_state(partition)
        if not self._changed:
            return
        self._changed = False
        model = self.cache.get("learner", partition).model
        self.emit.publish("model", "model", model.to_dict())
        self.metrics.model_info.clear()
        self.metrics.model_info.labels(model.version).set(1)
        snap = model.metrics.snapshot()
        for gauge, key in ((self.metrics.model_auc, "served_roc_auc"),
                           (self.metrics.model_precision, "served_precision"),
                           (self.metrics.model_recall, "served_recall")):
            value = snap.get(key)
            if isinstance(value, int | float) and value == value:
                gauge.set(value)
        self.metrics.model_trust.set(model.trust())


class RegistryRunner(Runner):
    """Validates brand records (dead-letters bad ones); every worker's views load the rest."""

    name = "registry"

    def handle(self, event: RawEvent) -> list[RawEvent]:
        try:
            decode(event.value, expected_schema="brand.v1")
            self.metrics.events.labels(event.message.topic, "processed").inc()
        except BrandguardError as err:
            self._dead(event, err)
        return [event]

    def reset_state(self) -> None:
        return None

    def flush_state(self, partition: int) -> None:
        return None
