"""Governance figures of a live worker as Prometheus series: shadow decisions, drift
detectors, and each lineage's delayed-label metrics. The arithmetic is in
``signals.governance``; this module only moves numbers into metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from signals.governance.drift import KINDS, DriftMonitor
from signals.governance.observation import ScoredListing
from signals.governance.segments import Segmenter
from signals.governance.shadow import decision, is_risky, lineage_figures
from signals.model.online import RiskModel
from signals.policy.config import PolicyConfig
from streams.worker.monitoring.metrics import Metrics

__all__ = ["GovernanceMonitor"]


class GovernanceMonitor:
    def __init__(self, metrics: Metrics, policy: PolicyConfig) -> None:
        self.metrics = metrics
        self.policy = policy
        self.drift = DriftMonitor()
        self.segmenter = Segmenter()
        self._champion: str | None = None

    def observe(self, scored: Sequence[ScoredListing]) -> None:
        """Scored listings of the seller runner: shadow decisions and input/score drift
        now, segment counts at the next :meth:`flush`."""
        for item in scored:
            for signal in self.drift.observe_listing(item):
                self.metrics.drift_detections.labels(signal, KINDS[signal]).inc()
            self._segments(item)
            if item.shadow_version is not None:
                lineage = item.shadow_version.rsplit("-", 1)[0]
                self.metrics.shadow_listings.labels(
                    lineage, decision(item, self.policy.listing_threshold)).inc()
        if scored:
            self._set_champion(scored[-1].version.rsplit("-", 1)[0])

    def event(self, is_report: bool, brand_id: str | None = None) -> None:
        """One input event, for the report rate (a filed report also counts for its
        brand's tier)."""
        if is_report:
            self.segmenter.report(brand_id)
        if self.drift.update("report_rate", 1.0 if is_report else 0.0):
            self.metrics.drift_detections.labels("report_rate", "input").inc()

    def label(self, label: bool, served: float) -> None:
        for signal in self.drift.observe_label(label, served, self.policy.listing_threshold):
            self.metrics.drift_detections.labels(signal, KINDS[signal]).inc()

    def export(self) -> None:
        """Window means of every detector (on the worker's tick)."""
        for signal in KINDS:
            self.metrics.drift_mean.labels(signal).set(self.drift.mean(signal))

    def lineages(self, models: Mapping[str, RiskModel], champion: str) -> None:
        """Each trained lineage's delayed-label figures, labelled with its role (series of
        a role a lineage no longer has are dropped)."""
        self.metrics.lineage_metric.clear()
        for name, model in models.items():
            role = "champion" if name == champion else "challenger"
            for metric, value in lineage_figures(model).items():
                if value is not None:
                    self.metrics.lineage_metric.labels(name, role, metric).set(value)

    def flush(self) -> None:
        """Move the segment counts gathered since the last flush into their series (once
        per batch: a labelled inc per listing, segment and outcome cost more than the
        listing's drift detectors)."""
        for (dimension, segment, outcome), n in self.segmenter.drain().items():
            self.metrics.child(self.metrics.segment_listings, dimension, segment, outcome).inc(n)

    def _segments(self, item: ScoredListing) -> None:
        self.segmenter.count(item.event, item.brand_id,
                             is_risky(item, self.policy.listing_threshold), item.alerted)

    def _set_champion(self, lineage: str) -> None:
        if lineage != self._champion:
            self.metrics.champion_info.clear()
            self.metrics.champion_info.labels(lineage).set(1)
            self._champion = lineage
