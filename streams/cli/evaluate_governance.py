"""The governance part of ``brandguard evaluate``: champion against challenger
(``--challenger``, ``--controls``) and detection by segment (``--by``). Figures come
from :mod:`signals.evaluation.governance`; this module prints them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from signals.evaluation.detection import EventsSummary
from signals.evaluation.governance import (
    brand_report_counts,
    challenger_figures,
    segment_figures,
)
from signals.governance.observation import ScoredListing
from signals.pipeline import PipelineState

__all__ = ["governance_report"]

_COLUMNS = ("listings", "listings_infringing", "proactive_rate", "precision",
            "median_minutes_to_detect", "listing_alerts")


def governance_report(args: argparse.Namespace, truth: Mapping[str, Any],
                      alerts: Sequence[Mapping[str, Any]], summary: EventsSummary,
                      events_path: Path, scored: Sequence[ScoredListing],
                      state: PipelineState) -> dict[str, Any]:
    """Print the tables asked for; return them for ``--json``."""
    report: dict[str, Any] = {}
    if getattr(args, "challenger", None):
        models = {state.learner.model.config.name: state.learner.model,
                  **state.learner.challengers}
        report["challenger"] = figures = challenger_figures(
            truth, summary, scored, state.policy.listing_threshold, models)
        _print_table("champion vs challenger: listings risky at the alert threshold",
                     {k: v for k, v in figures.items() if not k.startswith("labels:")},
                     ("lineages", *_COLUMNS[1:]))
        _print_table("delayed labels per lineage (challenger: scored just before learning)",
                     {k.removeprefix("labels:"): v for k, v in figures.items()
                      if k.startswith("labels:")},
                     ("labels", "progressive_roc_auc", "served_roc_auc", "precision", "recall",
                      "brier"))
    if getattr(args, "by", None):
        lines = events_path.read_bytes().split(b"\n")
        reports = brand_report_counts(lines)
        report["segments"] = {}
        for dimension in args.by:
            table = segment_figures(truth, alerts, summary, scored, reports, dimension)
            report["segments"][dimension] = table
            _print_table(f"by {dimension}", table, _COLUMNS)
    return report


def _print_table(title: str, rows: Mapping[str, Mapping[str, Any]],
                 columns: Sequence[str] | None = None) -> None:
    names = list(columns) if columns else sorted({k for row in rows.values() for k in row})
    out = sys.stdout
    out.write(f"\n{title}\n")
    width = max(len(str(k)) for k in rows) if rows else 8
    out.write(f"{'':<{width}}  " + "  ".join(f"{n:>14}" for n in names) + "\n")
    for key, row in rows.items():
        out.write(f"{key:<{width}}  " + "  ".join(f"{_cell(row.get(n)):>14}" for n in names)
                  + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)
