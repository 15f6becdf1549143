"""Prometheus configuration and rules: promtool's own checks and unit tests,
plus the project conventions promtool cannot know (severity labels, runbook
anchors, metric names the worker really exports, a firing and a quiet test
case for every alert)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest

from tests.unit.deploy.deploy_checks import (
    ALERT_RULES_FILE,
    REPO,
    allowed_metric_names,
    load_yaml,
    markdown_anchors,
    metric_names,
    recorded_names,
    rule_groups,
)

PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
RUNBOOK = REPO / "docs" / "runbook.md"
SEVERITIES = {"page", "warning", "info"}


def _load_runbook_links() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "brandguard_runbook_links", PROMETHEUS_DIR / "runbook_links.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runbook_links = _load_runbook_links()

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool not installed (`make promtool` installs Debian's prometheus package)",
)


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *map(str, args)], capture_output=True, text=True,
                          timeout=120, check=False)


def _alerts() -> list[dict[str, object]]:
    return [rule for group in rule_groups() for rule in group["rules"] if "alert" in rule]


@needs_promtool
def test_promtool_accepts_the_rules() -> None:
    result = _promtool("check", "rules", ALERT_RULES_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_accepts_the_compose_prometheus_config() -> None:
    result = _promtool("check", "config", PROMETHEUS_DIR / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_rule_unit_tests_pass() -> None:
    assert RULE_TESTS, "no promtool test files found"
    result = _promtool("test", "rules", *RULE_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_and_a_quiet_test_case() -> None:
    cases: dict[str, set[bool]] = defaultdict(set)
    for test_file in RULE_TESTS:
        for test in load_yaml(test_file)["tests"]:
            for case in test.get("alert_rule_test", []):
                cases[case["alertname"]].add(bool(case.get("exp_alerts")))
    missing = {str(alert["alert"]): {True, False} - cases[str(alert["alert"])]
               for alert in _alerts()}
    assert {name: gaps for name, gaps in missing.items() if gaps} == {}


def test_every_alert_has_a_severity_and_a_runbook_section() -> None:
    anchors = markdown_anchors(RUNBOOK)
    for alert in _alerts():
        name = str(alert["alert"])
        labels = alert.get("labels", {})
        annotations = alert.get("annotations", {})
        assert isinstance(labels, dict) and isinstance(annotations, dict), name
        assert labels.get("severity") in SEVERITIES, name
        assert {"summary", "description"} <= annotations.keys(), name
        # absolute: Alertmanager, Slack and PagerDuty cannot open a relative link
        url = str(annotations.get("runbook_url", ""))
        assert url == f"{runbook_links.DEFAULT_BASE}#{name.lower()}", name
        assert urlsplit(url).scheme == "https" and urlsplit(url).netloc, name
        assert name.lower() in anchors, f"docs/runbook.md has no section for {name}"


def test_rules_only_read_exported_metrics_or_recorded_series() -> None:
    exported, prefixes = allowed_metric_names()
    known = exported | recorded_names()
    unknown = {
        name
        for group in rule_groups()
        for rule in group["rules"]
        for name in metric_names(rule["expr"])
        if name not in known and not name.startswith(prefixes)
    }
    assert unknown == set()


def test_the_metric_scanner_finds_names_and_skips_labels_and_functions() -> None:
    expr = ('sum by (job, topic) (rate(brandguard_events_total{outcome="x"}[5m]))'
            ' / on (job) group_left (topic) job:brandguard_alerts:rate30m offset 1d'
            ' and histogram_quantile(0.99, rate(a_bucket[$__rate_interval])) > bool 3')
    assert metric_names(expr) == {"brandguard_events_total", "job:brandguard_alerts:rate30m",
                                  "a_bucket"}


def test_recording_rule_names_follow_level_metric_operations() -> None:
    for name in recorded_names():
        assert name.count(":") == 2, name


def test_runbook_links_follow_a_configured_base(tmp_path: Path) -> None:
    """Rewriting the base changes every alert's link and nothing else."""
    out = tmp_path / "rules.yml"
    base = "https://wiki.example.com/ops/brandguard-runbook"
    assert runbook_links.main(["--base", base, "--out", str(out)]) == 0
    ours, theirs = rule_groups(), rule_groups(out)
    for group, rewritten in zip(ours, theirs, strict=True):
        for rule, new in zip(group["rules"], rewritten["rules"], strict=True):
            if "alert" in rule:
                assert new["annotations"].pop("runbook_url") == f"{base}#{rule['alert'].lower()}"
                rule["annotations"].pop("runbook_url")
            assert new == rule
    assert runbook_links.main(["--check"]) == 0
    assert runbook_links.main(["--check", "--base", base]) == 1
    assert runbook_links.main(["--check", "--rules", str(out), "--base", base]) == 0


def test_a_relative_runbook_base_is_refused() -> None:
    with pytest.raises(SystemExit) as exit_:
        runbook_links.main(["--base", "docs/runbook.md"])
    assert exit_.value.code == 2
