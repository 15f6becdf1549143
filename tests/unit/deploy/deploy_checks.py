"""Shared helpers for the deployment-file tests: repository paths, the worker's
metric catalog (deploy/prometheus/metrics.yml) and a small PromQL scanner that
finds the metric names an expression reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "ALERT_RULES_FILE",
    "REPO",
    "allowed_metric_names",
    "load_yaml",
    "markdown_anchors",
    "metric_names",
    "recorded_names",
    "rule_groups",
]

REPO = Path(__file__).resolve().parents[3]
ALERT_RULES_FILE = REPO / "deploy" / "prometheus" / "rules" / "brandguard.rules.yml"
METRIC_CATALOG = REPO / "deploy" / "prometheus" / "metrics.yml"

_HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
_KEYWORDS = frozenset({
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
    "group_right", "offset", "bool", "inf", "nan", "atan2",
})
# Label lists follow these modifiers and must not be read as metric names.
_LABEL_LIST = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
_IDENTIFIER = re.compile(r"(?<![\w:$.])([A-Za-z_:][\w:]*)(?!\w)\s*(\()?")


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def metric_names(expr: str) -> set[str]:
    """Metric (and recorded series) names read by a PromQL expression.

    Grafana's ``$__rate_interval``-style variables are ignored.
    """
    text = _STRING.sub('""', expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = _LABEL_LIST.sub("", text)
    text = re.sub(r"\$\w+", "", text)
    names: set[str] = set()
    for match in _IDENTIFIER.finditer(text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in _KEYWORDS:
            continue
        names.add(name)
    return names


def allowed_metric_names() -> tuple[set[str], tuple[str, ...]]:
    """Exact names the worker (and Prometheus) produce, and allowed prefixes."""
    catalog = load_yaml(METRIC_CATALOG)
    names: set[str] = set(catalog["scrape_series"])
    for name, spec in catalog["metrics"].items():
        names.add(name)
        if spec["type"] == "histogram":
            names.update(name + suffix for suffix in _HISTOGRAM_SUFFIXES)
    return names, tuple(catalog["standard_prefixes"])


def rule_groups(path: Path = ALERT_RULES_FILE) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = load_yaml(path)["groups"]
    return groups


def recorded_names(path: Path = ALERT_RULES_FILE) -> set[str]:
    return {rule["record"] for group in rule_groups(path) for rule in group["rules"]
            if "record" in rule}


def markdown_anchors(path: Path) -> set[str]:
    """GitHub-style anchors of the Markdown headings in a file."""
    anchors: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            anchors.add(slug.replace(" ", "-"))
    return anchors
