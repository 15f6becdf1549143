"""The governance rules file (deploy/prometheus/rules/governance.rules.yml) under the same
conventions as the main one: promtool accepts it, every alert has a firing and a quiet
test case, a severity and a runbook section, and reads only exported metrics."""

from __future__ import annotations

from collections import defaultdict

from tests.unit.deploy.deploy_checks import (
    REPO,
    allowed_metric_names,
    load_yaml,
    markdown_anchors,
    metric_names,
    rule_groups,
)
from tests.unit.deploy.test_prometheus_rules import (
    RULE_TESTS,
    SEVERITIES,
    _promtool,
    needs_promtool,
    runbook_links,
)

RULES = REPO / "deploy" / "prometheus" / "rules" / "governance.rules.yml"


def _alerts() -> list[dict[str, object]]:
    return [rule for group in rule_groups(RULES) for rule in group["rules"] if "alert" in rule]


@needs_promtool
def test_promtool_accepts_the_governance_rules() -> None:
    result = _promtool("check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_governance_alert_has_a_firing_and_a_quiet_case_severity_and_runbook() -> None:
    cases: dict[str, set[bool]] = defaultdict(set)
    for test_file in RULE_TESTS:
        for test in load_yaml(test_file)["tests"]:
            for case in test.get("alert_rule_test", []):
                cases[case["alertname"]].add(bool(case.get("exp_alerts")))
    anchors = markdown_anchors(REPO / "docs" / "runbook.md")
    for alert in _alerts():
        name = str(alert["alert"])
        assert cases[name] == {True, False}, name
        labels, annotations = alert["labels"], alert["annotations"]
        assert isinstance(labels, dict) and isinstance(annotations, dict)
        assert labels["severity"] in SEVERITIES, name
        # absolute, as every rule's: a chat or pager cannot open a relative link
        assert annotations["runbook_url"] == runbook_links.runbook_url(name), name
        assert name.lower() in anchors, f"docs/runbook.md has no section for {name}"


def test_governance_rules_read_only_exported_metrics() -> None:
    exported, prefixes = allowed_metric_names()
    unknown = {name for alert in _alerts() for name in metric_names(str(alert["expr"]))
               if name not in exported and not name.startswith(prefixes)}
    assert unknown == set()
