"""The deployed monitoring against a real worker: Debian's Prometheus server scrapes a
live ``brandguard worker`` with the repository's config and rules, and the Grafana
dashboards, the rules and the metric catalog are checked against a real scrape."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from confluent_kafka import Producer
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from signals.evaluation.simulator import scenario_config, simulate
from streams.cli.produce import produce_file
from tests.integration.prometheus_proc import PrometheusServer, derived_config, prometheus_binary
from tests.integration.worker_proc import WorkerProcess, free_port, topic_name, wait_for, worker_env

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((REPO / "deploy" / "grafana" / "dashboards").glob("*.json"))
INPUT_ROLES = {"listing.v1": "listings", "order.v1": "orders", "report.v1": "reports",
               "brand.v1": "brands"}
#: Spreads the traffic over several 1 s scrapes, so counters rise between samples
#: and rate() is not 0 (a series first scraped at its final value has no increase).
PRODUCE_RATE = 300.0
#: Series every scrape must hold once traffic has flowed (the issue's key series).
KEY_SERIES = ("brandguard_events_total", "brandguard_alerts_total",
              "brandguard_deadletters_total", "brandguard_processing_seconds_bucket",
              "brandguard_consumer_lag", "brandguard_model_info", "brandguard_worker_ready",
              "brandguard_table_keys", "brandguard_score_bucket",
              "brandguard_alert_latency_seconds_bucket", "brandguard_last_event_timestamp_seconds")
#: Recordings whose inputs this scenario certainly feeds, each with whether it must be > 0.
CORE_RECORDINGS = {"topic:brandguard_events:rate5m": True,
                   "topic_outcome:brandguard_events:rate5m": True,
                   "error_code:brandguard_deadletters:rate5m": False,
                   "severity:brandguard_alerts:rate5m": True,
                   "processor:brandguard_processing_seconds:p99_5m": True,
                   "topic:brandguard_consumer_lag:sum": False,
                   "table:brandguard_table_keys:sum": True}
_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
             "summary": ("_sum", "_count")}


def _deploy_checks() -> ModuleType:
    """The unit tests' PromQL name scanner, so both suites judge queries alike."""
    if "deploy_checks" in sys.modules:
        return sys.modules["deploy_checks"]
    spec = importlib.util.spec_from_file_location(
        "deploy_checks", REPO / "tests" / "unit" / "deploy" / "deploy_checks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["deploy_checks"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Live:
    worker: WorkerProcess
    prometheus: PrometheusServer
    app_id: str
    inputs: int


@pytest.fixture(scope="module")
def live(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    binary = prometheus_binary()
    if binary is None:
        pytest.skip("prometheus server not installed (`make test` installs Debian's prometheus)")
    tmp = tmp_path_factory.mktemp("prometheus-live")
    app_id = f"bg-prom-{secrets.token_hex(4)}"
    worker_port = prometheus_port = free_port()
    while prometheus_port == worker_port:  # both were free, but only one may take it
        prometheus_port = free_port()
    worker = WorkerProcess(env=worker_env(kafka_bootstrap, app_id, tmp / "worker", worker_port),
                           port=worker_port, log=tmp / "worker.log")
    prometheus = PrometheusServer(tmp / "prometheus", prometheus_port)
    try:
        began = time.monotonic()
        worker.start()
        worker_ready = time.monotonic() - began
        prometheus.start(binary, derived_config({
            "brandguard": [f"127.0.0.1:{worker_port}"],
            "prometheus": [f"127.0.0.1:{prometheus_port}"]}))
        # A first scrape of the zero-valued counters before any traffic: rates need a
        # baseline sample, and a busy worker may answer scrapes late while it works.
        prometheus.wait_until(
            lambda: bool(prometheus.query('brandguard_events_total{job="brandguard"}')), 60,
            "a baseline scrape of the worker")
        began = time.monotonic()
        inputs = _send_traffic(kafka_bootstrap, app_id, tmp, worker)
        print(f"\nworker ready after {worker_ready:.1f} s, prometheus after "
              f"{prometheus.startup_seconds:.2f} s; {inputs} records sent and consumed in "
              f"{time.monotonic() - began:.1f} s")
        yield Live(worker, prometheus, app_id, inputs)
    finally:
        prometheus.stop()
        worker.stop()


def _send_traffic(bootstrap: str, app_id: str, tmp: Path, worker: WorkerProcess) -> int:
    """A small simulator day, registry first (scoring waits for it), plus one
    undecodable record so the dead-letter series exist; returns the input count."""
    lines = simulate(scenario_config("mixed", seed=5, days=1.0, scale=0.3)).lines
    head = next(i for i, line in enumerate(lines) if b'"schema":"brand.v1"' not in line)
    (tmp / "registry.jsonl").write_bytes(b"\n".join(lines[:head]) + b"\n")
    (tmp / "traffic.jsonl").write_bytes(b"\n".join(lines[head:]) + b"\n")
    topics = {schema: topic_name(app_id, role) for schema, role in INPUT_ROLES.items()}
    summary = produce_file(tmp / "registry.jsonl", bootstrap, topics=topics, progress=False)
    assert summary.ok, summary.first_error
    wait_for(lambda: (worker.get("/readyz") or {}).get("brands") == head, 60,
             "the registry loaded", worker)
    summary = produce_file(tmp / "traffic.jsonl", bootstrap, topics=topics, progress=False,
                           rate=PRODUCE_RATE)
    assert summary.ok, summary.first_error
    producer = Producer({"bootstrap.servers": bootstrap})
    producer.produce(topics["order.v1"], key=b"s1", value=b"{not json")
    assert producer.flush(30) == 0
    inputs = len(lines) + 1
    wait_for(lambda: worker.metric("brandguard_events_total") >= inputs, 120,
             f"{inputs} records consumed", worker)
    return inputs


def _value(sample: dict[str, Any]) -> float:
    return float(sample["value"][1])


def _has_series(prometheus: PrometheusServer, expr: str) -> bool:
    return bool(prometheus.query(expr))


def test_prometheus_scrapes_live_worker(live: Live) -> None:
    prom, began = live.prometheus, time.monotonic()
    prom.wait_until(lambda: [_value(s) for s in prom.query('up{job="brandguard"}')] == [1.0],
                    30, 'up{job="brandguard"} == 1')
    for name in KEY_SERIES:
        prom.wait_until(partial(_has_series, prom, f'{name}{{job="brandguard"}}'), 60,
                        f"{name} scraped")
    print(f"key series in prometheus after {time.monotonic() - began:.1f} s")
    # Prometheus holds the worker's own numbers, not just the names.
    assert live.worker.metric("brandguard_events_total") >= live.inputs
    _wait_same_events(prom, live.worker)
    assert _sum(prom, 'brandguard_deadletters_total{error_code="invalid_json"}') >= 1
    produced = _check_recordings(prom)
    print(f"recording rules with values after {time.monotonic() - began:.1f} s:",
          ", ".join(sorted(produced)))
    _check_rule_health(prom)


def _wait_same_events(prom: PrometheusServer, worker: WorkerProcess) -> None:
    seen: list[tuple[float, float]] = []

    def same() -> bool:
        seen.append((_sum(prom, 'brandguard_events_total{job="brandguard"}'),
                     worker.metric("brandguard_events_total")))
        return seen[-1][0] == seen[-1][1]

    try:
        prom.wait_until(same, 60, "prometheus's events_total equal to the worker's")
    except AssertionError as error:
        raise AssertionError(f"{error}\n(prometheus, worker) last seen: {seen[-5:]}") from None


def _sum(prom: PrometheusServer, selector: str) -> float:
    return sum(_value(s) for s in prom.query(selector))


def _check_recordings(prom: PrometheusServer) -> dict[str, list[float]]:
    """Wait for the core recordings, then list every recording that has samples."""
    def ready(name: str, positive: bool) -> bool:
        values = [_value(s) for s in prom.query(f'{name}{{job="brandguard"}}')]
        return bool(values) and (not positive or any(v > 0 for v in values))

    for name, positive in CORE_RECORDINGS.items():
        prom.wait_until(partial(ready, name, positive), 60,
                        f"recording {name}" + (" > 0" if positive else ""))
    recorded = sorted(_deploy_checks().recorded_names())
    assert set(CORE_RECORDINGS) <= set(recorded)
    produced = {name: [_value(s) for s in prom.query(name)] for name in recorded}
    for name, values in sorted(produced.items()):
        finite = [v for v in values if math.isfinite(v)]
        print(f"  {name}: {len(values)} series, finite {[f'{v:.4g}' for v in finite[:4]]}")
    return {name: values for name, values in produced.items() if values}


def _check_rule_health(prom: PrometheusServer) -> None:
    """Every rule, recording or alerting, evaluated against real series without error."""
    def evaluated() -> bool:
        return all(rule["health"] != "unknown" for rule in _rules(prom))

    prom.wait_until(evaluated, 30, "every rule evaluated once")
    broken = {rule["name"]: rule.get("lastError") for rule in _rules(prom)
              if rule["health"] != "ok"}
    assert not broken, broken
    # Prometheus loads every rules/*.yml file (prometheus.yml): all of them count
    rule_files = sorted((REPO / "deploy" / "prometheus" / "rules").glob("*.yml"))
    assert len(_rules(prom)) == sum(len(group["rules"]) for path in rule_files
                                    for group in _deploy_checks().rule_groups(path))


def _rules(prom: PrometheusServer) -> list[dict[str, Any]]:
    return [rule for group in prom.api("rules")["groups"] for rule in group["rules"]]


def _scrape(worker: WorkerProcess) -> dict[str, Metric]:
    body = worker.get("/metrics")
    assert body, f"no /metrics from the worker:\n{worker.tail()}"
    return {family.name: family for family in text_string_to_metric_families(body.decode())}


def _exported_names(families: dict[str, Metric]) -> set[str]:
    """Every series name the scrape can hold: the parser drops a counter's _total from
    its family name, and labelled families list no samples before first use."""
    names: set[str] = set()
    for family in families.values():
        names.add(family.name)
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


def _dashboard_queries() -> list[tuple[str, str]]:
    queries: list[tuple[str, str]] = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text(encoding="utf-8"))
        panels = [p for top in board["panels"] for p in (top, *top.get("panels", []))]
        queries += [(path.name, t["expr"]) for p in panels for t in p.get("targets", [])]
        # label_values(<series>, <label>): only the series is a metric name.
        queries += [(path.name, re.sub(r"label_values\((.*),\s*\w+\)", r"\1", v["query"]))
                    for v in board["templating"]["list"] if v["type"] == "query"]
    return queries


def test_dashboard_queries_use_exported_metrics(live: Live) -> None:
    checks = _deploy_checks()
    wait_for(lambda: live.worker.metric("brandguard_alerts_total") > 0, 30,
             "alerts emitted", live.worker)
    families = _scrape(live.worker)
    catalog = checks.load_yaml(REPO / "deploy" / "prometheus" / "metrics.yml")
    known = _exported_names(families) | checks.recorded_names() | set(catalog["scrape_series"])
    queries = _dashboard_queries() + [
        ("brandguard.rules.yml", rule["expr"])
        for group in checks.rule_groups() for rule in group["rules"]]
    assert len(DASHBOARDS) >= 2 and len(queries) > 20
    problems = sorted(f"{where} reads {name}, which the worker does not export"
                      for where, expr in queries for name in checks.metric_names(expr)
                      if name not in known)
    problems += _catalog_problems(catalog, families)
    assert not problems, "\n".join(["", *dict.fromkeys(problems)])


def _catalog_problems(catalog: dict[str, Any], families: dict[str, Metric]) -> list[str]:
    """metrics.yml against the scrape: same names, types and (where used) labels,
    and no brandguard metric left out of it."""
    by_series = {family.name + ("_total" if family.type == "counter" else ""): family
                 for family in families.values()}
    problems: list[str] = []
    for name, spec in catalog["metrics"].items():
        family = by_series.get(name)
        labels = {k for s in family.samples for k in s.labels if k != "le"} if family else set()
        if family is None:
            problems.append(f"metrics.yml lists {name}; the worker does not export it")
        elif family.type != spec["type"]:
            problems.append(f"{name} is a {family.type}; metrics.yml says {spec['type']}")
        elif family.samples and labels != set(spec["labels"]):
            problems.append(f"{name} has labels {sorted(labels)}; metrics.yml says "
                            f"{spec['labels']}")
    problems += [f"{name} is exported but missing from metrics.yml" for name in sorted(by_series)
                 if name.startswith("brandguard_") and name not in catalog["metrics"]]
    problems += [f"metrics.yml promises the standard {prefix}* collectors; the scrape has none"
                 for prefix in catalog["standard_prefixes"]
                 if not any(name.startswith(prefix) for name in by_series)]
    return problems
