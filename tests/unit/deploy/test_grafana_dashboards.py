"""Grafana dashboards: the committed JSON is what deploy/grafana/dashboards.py
generates, every query reads a metric the worker exports (or a recorded
series), and the dashboards are wired to the provisioned datasource."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.deploy.deploy_checks import (
    REPO,
    allowed_metric_names,
    load_yaml,
    metric_names,
    recorded_names,
)

GRAFANA_DIR = REPO / "deploy" / "grafana"
DASHBOARD_FILES = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))


def _generator() -> ModuleType:
    pytest.importorskip("grafana_foundation_sdk",
                        reason="grafana-foundation-sdk not installed (needed to regenerate)")
    spec = importlib.util.spec_from_file_location("brandguard_dashboards",
                                                  GRAFANA_DIR / "dashboards.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in DASHBOARD_FILES}


def _panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for panel in board["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    return panels


def _queries(board: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in _panels(board) for target in panel.get("targets", [])]


def test_committed_json_is_what_the_generator_produces() -> None:
    rendered = _generator().render_all()
    assert sorted(rendered) == [path.name for path in DASHBOARD_FILES]
    for path in DASHBOARD_FILES:
        assert path.read_text(encoding="utf-8") == rendered[path.name], (
            f"{path.name} is stale: run .venv/bin/python deploy/grafana/dashboards.py")


def test_generator_check_mode_reports_stale_files(tmp_path: Path) -> None:
    generator = _generator()
    assert generator.main(["--out", str(tmp_path)]) == 0
    assert generator.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "operations.json").write_text("{}\n", encoding="utf-8")
    assert generator.main(["--out", str(tmp_path), "--check"]) == 1


def test_every_query_reads_an_exported_metric_or_a_recorded_series() -> None:
    exported, prefixes = allowed_metric_names()
    known = exported | recorded_names()
    for name, board in _dashboards().items():
        # label_values(<series>, <label>): only the series is a metric name.
        variables = [re.sub(r"label_values\((.*),\s*\w+\)", r"\1", v["query"])
                     for v in board["templating"]["list"] if v["type"] == "query"]
        for expr in _queries(board) + variables:
            unknown = {m for m in metric_names(expr)
                       if m not in known and not m.startswith(prefixes)}
            assert not unknown, f"{name}: {expr!r} reads unknown {unknown}"


def test_dashboards_cover_the_required_views() -> None:
    boards = _dashboards()
    assert set(boards) == {"operations.json", "brand-protection.json"}
    used = {name: set().union(*(metric_names(q) for q in _queries(board)))
            for name, board in boards.items()}
    assert {"brandguard_events_total", "topic:brandguard_consumer_lag:sum",
            "processor:brandguard_processing_seconds:p99_5m", "brandguard_deadletters_total",
            "brandguard_worker_ready", "up", "table:brandguard_table_keys:sum",
            "brandguard_epoch_held_events", "brandguard_epoch_forced_total",
            } <= used["operations.json"]
    assert {"severity:brandguard_alerts:rate5m", "brandguard_alerts_total",
            "job:brandguard_proactive_detection_ratio:ratio1d", "brandguard_model_roc_auc",
            "brandguard_model_precision", "brandguard_model_recall", "brandguard_model_trust",
            "label:brandguard_model_labels:rate1h", "brandguard_score_bucket",
            } <= used["brand-protection.json"]


def test_panels_use_the_datasource_variable_and_fit_the_grid() -> None:
    for name, board in _dashboards().items():
        ids = [panel["id"] for panel in _panels(board)]
        assert len(ids) == len(set(ids)), name
        for panel in _panels(board):
            position = panel["gridPos"]
            assert position["x"] + position["w"] <= 24, (name, panel["title"])
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            assert panel["targets"], (name, panel["title"])
            # Queries scoped to the job variable, so two deployments never mix.
            for target in panel["targets"]:
                assert re.search(r'job=~"\$job"', target["expr"]), target["expr"]


def test_dashboard_uids_are_unique_and_stable() -> None:
    uids = [board["uid"] for board in _dashboards().values()]
    assert sorted(uids) == ["brandguard-brand-protection", "brandguard-operations"]


def test_provisioning_points_at_prometheus_and_the_dashboard_mount() -> None:
    datasources = load_yaml(GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml")
    (prometheus,) = datasources["datasources"]
    assert prometheus["type"] == "prometheus" and prometheus["isDefault"] is True
    assert prometheus["url"] == "http://prometheus:9090"
    providers = load_yaml(GRAFANA_DIR / "provisioning" / "dashboards" / "brandguard.yml")
    (provider,) = providers["providers"]
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards/brandguard"
