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
from typing import Any

from signals.contract.decode import decode
from signals.contract.headers import fact_traces
from signals.errors import BrandguardError, ProcessingError
from signals.governance.lineages import ensure_models
from signals.governance.registry import model_record
from signals.model.delayed_metrics import TRACKS
from signals.model.online import ModelConfig, RiskModel
from signals.model.prior import rule_prior
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
from streams.worker.global_views import GlobalViews
from streams.worker.monitoring.governance import GovernanceMonitor
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import CachedRunner, RawEvent, Runner, load_facts
from streams.worker.runners.emitter import Emitter
from streams.worker.runners.epoch_marks import ImageEpochs

__all__ = ["BrandRunner", "ImageRunner", "LearnerRunner", "RegistryRunner"]


class BrandRunner(CachedRunner[BrandState]):
    name = "brand"
    table_name = "brands"

    def __init__(self, cache: StateCache[BrandState], emitter: Emitter, metrics: Metrics,
                 **timing: Any) -> None:
        super().__init__(cache, emitter, metrics, **timing)
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
                self.emit.publish_latest("brand_views", view.brand_id, {
                    "brand_id": view.brand_id, "reference_prices": dict(view.reference_prices),
                    "reliability": dict(view.reliability)})

        each_fact(self, event, apply)
        return [event]


class ImageRunner(CachedRunner[ImageState]):
    name = "image"
    table_name = "images"

    def __init__(self, cache: StateCache[ImageState], emitter: Emitter, metrics: Metrics,
                 epochs: ImageEpochs, **timing: Any) -> None:
        super().__init__(cache, emitter, metrics, **timing)
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
    """One learner: trains every lineage (signals.governance.lineages) and, when its state
    is flushed, publishes each changed model's snapshot and its registry record."""

    name = table_name = "learner"

    def __init__(self, cache: StateCache[LearnerState], emitter: Emitter, metrics: Metrics,
                 views: GlobalViews | None = None,
                 governance: GovernanceMonitor | None = None) -> None:
        super().__init__(cache, emitter, metrics, flush_every=200, flush_interval=2.0)
        self._changed = False
        self.views = views
        self.governance = governance
        self.policy = PolicyConfig()
        #: the last version published of each lineage, by this process (a record's parent)
        self._published: dict[str, str] = {}
        self._genesis = False

    def handle(self, event: RawEvent) -> list[RawEvent]:
        partition = event.message.partition

        def apply(example: Fact | EpochMark) -> None:
            assert isinstance(example, TrainingExample)
            state = self.cache.get("learner", partition)
            if self.views is not None and self.views.lineages is not None:
                ensure_models(state, self.views.lineages)
            if process_example(state, example):
                self._changed = True
                self.metrics.model_labels.labels("positive" if example.label else "negative").inc()
                if self.governance is not None:
                    self.governance.label(example.label, example.scored_probability)

        each_fact(self, event, apply)
        return [event]

    def reset_state(self) -> None:
        super().reset_state()
        self._changed = False

    def snapshot_state(self, partition: int) -> list[tuple[str, bytes]]:
        snapshot = super().snapshot_state(partition)
        self._publish(partition)
        return snapshot

    def tick(self) -> None:
        super().tick()
        if not self._genesis:  # the untrained models alerts carry before any publication
            self._genesis = True
            configs = {} if self.views is None or self.views.lineages is None else (
                self.views.lineages.configs())
            for config in [ModelConfig(), *configs.values()]:
                self.emit.publish("registry", f"{config.name}-0", model_record(
                    RiskModel(rule_prior, config), parent=None, policy=self.policy,
                    reason="genesis: untrained, the rule prior alone scores", published_at=None))

    def _publish(self, partition: int) -> None:
        if not self._changed:
            return
        self._changed = False
        state = self.cache.get("learner", partition)
        models = {state.model.config.name: state.model, **state.challengers}
        for name, model in models.items():
            parent = self._published.get(name) or self._parent(name)
            if parent == model.version:
                continue
            self.emit.publish("model", "model" if model is state.model else f"model:{name}",
                              model.to_dict())
            self.emit.publish("registry", model.version, model_record(
                model, parent=parent, policy=self.policy, published_at=time.time(),
                reason=f"learner flush: {model.labels_seen} labels, since {parent}"))
            self._published[name] = model.version
        self._export(state.model, models)

    def _parent(self, name: str) -> str | None:
        """The version this worker's views hold: the last one published before a restart."""
        return None if self.views is None else self.views.lineage(name).version

    def _export(self, model: RiskModel, models: dict[str, RiskModel]) -> None:
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
        if self.governance is not None:
            champion = (model.config.name if self.views is None or self.views.lineages is None
                        else self.views.lineages.timeline.latest())
            self.governance.lineages(models, champion)


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
