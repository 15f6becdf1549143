"""The governance monitor moves shadow decisions, segments, drift and lineage figures
into bounded Prometheus series."""

from __future__ import annotations

from prometheus_client import generate_latest

from signals.contract.events import ListingEvent
from signals.governance.observation import ScoredListing
from signals.model.online import ModelConfig, RiskModel
from signals.model.prior import rule_prior
from signals.policy.config import PolicyConfig
from streams.worker.monitoring.governance import GovernanceMonitor
from streams.worker.monitoring.metrics import Metrics


def _scored(i: int, probability: float, shadow: float | None) -> ScoredListing:
    ev = ListingEvent(f"e{i}", "2026-11-01T00:00:00Z", float(i), "created", f"L{i}", "S1",
                      brand_id="b1", category="shoes", currency="USD", ship_from="US",
                      seller_since_ts=0.0)
    return ScoredListing(ev, "b1", True, probability, "lr1-3", probability > 0.6, 0.5, shadow,
                         None if shadow is None else "sgd05-3")


def _value(metrics: Metrics, line_start: str) -> float:
    for line in generate_latest(metrics.registry).decode().splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no series {line_start}")


def test_shadow_decisions_segments_and_champion_are_counted() -> None:
    metrics = Metrics()
    monitor = GovernanceMonitor(metrics, PolicyConfig())
    monitor.observe([_scored(1, 0.9, 0.3), _scored(2, 0.2, 0.8)])
    monitor.observe([_scored(3, 0.9, 0.9)])
    segment = ('brandguard_segment_listings_total{dimension="cohort",outcome="%s",'
               'segment="new"}')
    assert segment % "scored" not in generate_latest(metrics.registry).decode()
    monitor.flush()
    shadow = 'brandguard_shadow_listings_total{decision="%s",lineage="sgd05"}'
    assert [_value(metrics, shadow % d) for d in ("champion_only", "challenger_only",
                                                  "both_risky")] == [1.0, 1.0, 1.0]
    assert _value(metrics, segment % "scored") == 3.0
    assert _value(metrics, segment % "risky") == 2.0
    assert _value(metrics, 'brandguard_champion_info{lineage="lr1"}') == 1.0


def test_lineage_figures_follow_roles() -> None:
    metrics = Metrics()
    monitor = GovernanceMonitor(metrics, PolicyConfig())
    models = {"lr1": RiskModel(rule_prior),
              "sgd05": RiskModel(rule_prior, ModelConfig(name="sgd05"))}
    for model in models.values():
        for i in range(6):
            model.learn_one({"price_discount": float(i % 2)}, bool(i % 2))
    monitor.lineages(models, "sgd05")
    monitor.lineages(models, "lr1")
    text = generate_latest(metrics.registry).decode()
    assert 'lineage="lr1",metric="labels",role="champion"' in text
    assert 'lineage="lr1",metric="labels",role="challenger"' not in text
