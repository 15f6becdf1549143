"""Governance figures of a replay: champion against challenger, and detection by segment.

Pure, like :mod:`signals.evaluation.detection`, whose :func:`evaluate` scores each
side: the challenger's decisions are the first time it judged each listing risky
(:func:`signals.governance.shadow.shadow_alerts`), compared with the champion's own
decisions made the same way; a segment's figures are the detection figures of its
listings alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from signals.evaluation.detection import EventsSummary, Figures, evaluate
from signals.governance.observation import ScoredListing
from signals.governance.segments import filter_truth, segment_truth
from signals.governance.shadow import lineage_figures, shadow_alerts
from signals.model.online import RiskModel

__all__ = ["brand_report_counts", "challenger_figures", "segment_figures"]


def brand_report_counts(lines: Iterable[bytes]) -> dict[str, int]:
    """Filed reports per brand in an event file (malformed lines skipped)."""
    counts: dict[str, int] = {}
    for line in lines:
        if b'"report.v1"' not in line or b'"filed"' not in line:
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        brand = record.get("brand_id") if isinstance(record, dict) else None
        if isinstance(brand, str) and record.get("status") == "filed":
            counts[brand] = counts.get(brand, 0) + 1
    return counts


def _row(figures: Figures) -> dict[str, Any]:
    return {"listings_infringing": figures.proactive_recall.total,
            "proactive_rate": figures.proactive_recall.value,
            "precision": figures.listing_precision.value,
            "median_minutes_to_detect": figures.detection_delay.median_minutes,
            "listing_alerts": figures.alerts_by_entity_type.get("listing", 0)}


def challenger_figures(truth: Mapping[str, Any], summary: EventsSummary,
                       scored: Sequence[ScoredListing], threshold: float,
                       models: Mapping[str, RiskModel]) -> dict[str, dict[str, Any]]:
    """Per side (champion, challenger): detection at the alert threshold, and each
    lineage's delayed-label figures."""
    out: dict[str, dict[str, Any]] = {}
    for side, shadow in (("champion", False), ("challenger", True)):
        alerts = shadow_alerts(scored, threshold, shadow=shadow)
        row = _row(evaluate(truth, alerts, summary))
        versions = {str(a["model_version"]).rsplit("-", 1)[0] for a in alerts}
        row["lineages"] = sorted(versions)
        out[side] = row
    for name, model in models.items():
        out[f"labels:{name}"] = dict(lineage_figures(model))
    return out


def segment_figures(truth: Mapping[str, Any], alerts: Sequence[Mapping[str, Any]],
                    summary: EventsSummary, scored: Sequence[ScoredListing],
                    brand_reports: Mapping[str, int], dimension: str,
                    ) -> dict[str, dict[str, Any]]:
    """Proactive rate, precision, time to detect and alert volume per segment."""
    of = segment_truth(((s.event, s.brand_id) for s in scored), brand_reports, dimension)
    members: dict[str, set[str]] = {}
    for listing_id, segment in of.items():
        members.setdefault(segment, set()).add(listing_id)
    table: dict[str, dict[str, Any]] = {}
    for segment, ids in sorted(members.items()):
        kept = [a for a in alerts if a.get("entity_type") == "listing"
                and (a.get("listing_id") or a.get("entity_id")) in ids]
        table[segment] = {"listings": len(ids),
                          **_row(evaluate(filter_truth(truth, ids), kept, summary))}
    return table
