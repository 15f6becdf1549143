"""Runners of the brand, image, learner and registry agents.

Their input records are packed (``streams.worker.runners.emitter``): each holds
the facts and marks one partition of a sender emitted, in order. A fact that
fails dead-letters its record once, with the original bytes; the record's
other facts are still applied.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from signals.contract.decode import decode
from signals.contract.headers import fact_traces
from signals.errors import BrandguardError, ProcessingError
from signals.model.delayed_metrics import TRACKS
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
from signals.processors.messages import EpochMark, Fact
from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import CachedRunner, RawEvent, Runner, load_facts
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
        partition, now = event.message.partition, time.time()
        traces = fact_traces(event.message.headers)
        positions = itertools.count()  # each_fact applies the record's facts in order

        def apply(fact: Fact | EpochMark) -> None:
            trigger = traces.get(next(positions))
            assert isinstance(fact, BrandListingFact | BrandReportFact)
            state = self.cache.get(fact.brand_id, partition)
            out, view = process_brand(state, fact, self.policy, now)
            for alert in out.alerts:
                self.emit.alert(alert, trigger)
            if view is not None:
                self.emit.publish("brand_views", view.brand_id, {
                    "brand_id": view.brand_id, "reference_prices": dict(view.reference_prices),
                    "reliability": dict(view.reliability)})

        each_fact(self, event, apply)
        return [event]


class ImageRunner(CachedRunner[ImageState]):
    name = "image"
    table_name = "images"

    def __init__(self, cache: StateCache[ImageState], emitter: Emitter, metrics: Metrics,
                 epochs: ImageEpochs) -> None:
        super().__init__(cache, emitter, metrics)
        self.epochs = epochs

    def handle(self, event: RawEvent) -> list[RawEvent]:
        partition = event.message.partition

        def apply(fact: Fact | EpochMark) -> None:
            if isinstance(fact, EpochMark):
                self.epochs.heard(partition, fact)
                return
            assert isinstance(fact, ImageFact)
            out = process_image(self.cache.get(fact.phash, partition), fact)
            for f in out.facts:
                self.emit.fact(f)

        each_fact(self, event, apply)
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
        partition = event.message.partition

        def apply(example: Fact | EpochMark) -> None:
            assert isinstance(example, TrainingExample)
            state = self.cache.get("learner", partition)
            if process_example(state, example):
                self._changed = True
                self.metrics.model_labels.labels("positive" if example.label else "negative").inc()

        each_fact(self, event, apply)
        return [event]

    def reset_state(self) -> None:
        super().reset_state()
        self._changed = False

    def snapshot_state(self, partition: int) -> list[tuple[str, bytes]]:
        snapshot = super().snapshot_state(partition)
        self._publish(partition)
        return snapshot

    def _publish(self, partition: int) -> None:
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
        for track in TRACKS:
            value = snap.get(f"{track}_roc_auc")
            if isinstance(value, int | float) and value == value:
                self.metrics.model_track_auc.labels(track).set(value)
        self.metrics.model_trust.set(model.trust())


class RegistryRunner(Runner):
    """Validates brand records (dead-letters bad ones); every worker's views load the rest."""

    name = "registry"

    def handle(self, event: RawEvent) -> list[RawEvent]:
        try:
            decode(event.value, expected_schema="brand.v1")
            self.counts[(event.message.topic, "processed")] += 1
        except BrandguardError as err:
            self._dead(event, err)
        return [event]

    def reset_state(self) -> None:
        return None


def each_fact(runner: Runner, event: RawEvent, apply: Callable[[Fact | EpochMark], None]) -> None:
    """Apply every fact of a packed record; dead-letter the record once if any fails."""
    try:
        facts = load_facts(event.value)
    except BrandguardError as err:
        runner._dead(event, err)
        return
    failures: list[str] = []
    for index, fact in enumerate(facts):
        try:
            apply(fact)
        except Exception as exc:  # a bug must cost one fact, not the worker
            failures.append(f"fact {index} of {len(facts)}: {type(exc).__name__}: {exc}")
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        runner._dead(event, ProcessingError(failures[0] + more))
