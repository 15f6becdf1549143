"""The worker's metrics: what deploy/prometheus/metrics.yml promises, each app on its own
registry, and every bounded series there at 0 before its first event."""

from __future__ import annotations

import typing

import yaml

from signals.errors import ErrorCode
from signals.governance.drift import KINDS
from streams.worker.monitoring.metrics import Metrics
from streams.worker.monitoring.version import build_labels
from tests.unit.deploy.deploy_checks import METRIC_CATALOG

_STANDARD = ("process_", "python_")


def _families(metrics: Metrics) -> dict[str, typing.Any]:
    # the registry's own families (the text format adds *_created families, which the
    # worker turns off at start)
    return {f.name: f for f in metrics.registry.collect() if not f.name.startswith(_STANDARD)}


def _sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    for family in _families(metrics).values():
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def test_the_registry_exports_exactly_the_catalogued_metrics_with_their_types() -> None:
    catalog = yaml.safe_load(METRIC_CATALOG.read_text())["metrics"]
    families = _families(Metrics())
    exported = {(f.name + "_total" if f.type == "counter" else f.name): f.type
                for f in families.values()}
    assert exported == {name: spec["type"] for name, spec in catalog.items()}


def test_each_app_has_its_own_registry() -> None:
    a, b = Metrics(), Metrics()
    a.alerts.labels("seller", "high").inc()
    assert _sample(a, "brandguard_alerts_total", entity_type="seller", severity="high") == 1.0
    assert _sample(b, "brandguard_alerts_total", entity_type="seller", severity="high") == 0.0


def test_bounded_series_start_at_zero() -> None:
    metrics = Metrics()
    for code in typing.get_args(ErrorCode):
        assert _sample(metrics, "brandguard_deadletters_total", error_code=code) == 0.0
    for signal, kind in KINDS.items():
        assert _sample(metrics, "brandguard_drift_detections_total", signal=signal,
                       kind=kind) == 0.0
    assert _sample(metrics, "brandguard_producer_send_errors_total", producer="outputs") == 0.0


def test_zero_topics_creates_every_outcome_of_each_topic() -> None:
    metrics = Metrics()
    assert _sample(metrics, "brandguard_events_total", topic="t1", outcome="processed") is None
    metrics.zero_topics(["t1"])
    for outcome in ("processed", "deadlettered", "duplicate"):
        assert _sample(metrics, "brandguard_events_total", topic="t1", outcome=outcome) == 0.0
    assert _sample(metrics, "brandguard_dedup_hits_total", topic="t1") == 0.0


def test_build_info_names_this_build() -> None:
    assert _sample(Metrics(), "brandguard_build_info", **build_labels()) == 1.0


def test_a_remembered_child_counts_into_the_exported_series() -> None:
    from prometheus_client import generate_latest

    metrics = Metrics()
    first = metrics.child(metrics.alerts, "listing", "high")
    assert metrics.child(metrics.alerts, "listing", "high") is first
    assert metrics.child(metrics.alerts, "seller", "high") is not first
    first.inc(2)
    metrics.child(metrics.alerts, "listing", "high").inc()
    text = generate_latest(metrics.registry).decode()
    assert 'brandguard_alerts_total{entity_type="listing",severity="high"} 3.0' in text
