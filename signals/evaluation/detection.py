"""Detection quality of a run: alerts scored against the simulator's ground truth.

Pure: inputs are parsed JSON (truth, ``alert.v1`` dicts) and an
:class:`EventsSummary` built from the event file's lines; nothing reads files
or the clock. The records it returns are in :mod:`signals.evaluation.figures`,
the event-file summary in :mod:`signals.evaluation.event_file`; this module
re-exports both (callers import them from here).

Decisions (also the documentation of the JSON figures):

- A ratio with an empty denominator is ``None`` (``"n/a"`` in the table),
  never NaN and never a made-up 0 or 1: "no infringing listings" is not
  "perfect recall". Every ratio is a :class:`Share` carrying its counts.
- Alerts are de-duplicated by ``alert_id`` (redeliveries carry the same id).
  An alert without ``entity_type``, ``entity_id`` or a parseable
  ``trigger_event_time`` is counted as malformed and otherwise ignored.
- Listing figures use listing alerts only. The listing an alert flags is its
  ``entity_id`` and also its ``listing_id`` field when that differs. Seller
  and brand alerts carrying a listing as context do not count: they would
  raise listing recall without ever costing listing precision.
- Proactive: the first listing alert's ``trigger_event_time`` is strictly
  before the listing's earliest ``filed`` report (by event time); a listing
  never reported counts as proactive once alerted.
- Delay percentiles use the nearest-rank method (always an observed value).
- A truth incident is detected by the first brand alert for its brand at or
  after ``start_time`` (a brand alert names its brand in ``brand_id``, else
  ``entity_id``); brand alerts on brands with no incident are false incident
  alerts, and ones on an incident's brand before its start count neither way.

>>> truth = {"listings": {"L1": {"seller_id": "S1", "brand_id": "B1", "infringing": True,
...   "tactic": "blatant_fake", "created_time": "2026-01-01T00:00:00Z"}},
...   "sellers": {"S1": {"kind": "blatant_counterfeiter", "bad": True}}, "incidents": []}
>>> alert = {"alert_id": "a1", "entity_type": "listing", "entity_id": "L1",
...   "listing_id": "L1", "severity": "high", "trigger_event_time": "2026-01-01T00:30:00Z"}
>>> figures = evaluate(truth, [alert, alert], EventsSummary(events=10))
>>> figures.proactive_recall.value, figures.listing_precision.value, figures.seller_recall.value
(1.0, 1.0, 0.0)
>>> figures.detection_delay.median_minutes, figures.alerts, figures.duplicate_alerts
(30.0, 1, 1)
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from signals.contract.timefmt import format_rfc3339
from signals.evaluation.event_file import EventsSummary, epoch_or_none, summarize_events
from signals.evaluation.figures import (
    DelayFigures,
    Figures,
    IncidentFigure,
    ReliabilityBin,
    Share,
    TacticRecall,
)

__all__ = [
    "DelayFigures",
    "EventsSummary",
    "Figures",
    "IncidentFigure",
    "Share",
    "TacticRecall",
    "evaluate",
    "nearest_rank",
    "summarize_events",
]

INCIDENT_DETECTION_WINDOW_S = 3600.0


@dataclass(frozen=True, slots=True)
class _Alert:
    entity_type: str
    entity_id: str
    listing_id: str | None
    brand_id: str | None
    severity: str
    ts: float
    seller_id: str | None = None
    score: float | None = None


def _normalise_alerts(alerts: Iterable[Mapping[str, Any]]) -> tuple[list[_Alert], int, int]:
    """Distinct well-formed alerts, then counts of duplicates and malformed ones."""
    seen: set[object] = set()
    kept: list[_Alert] = []
    duplicates = malformed = 0
    for raw in alerts:
        key: object = raw.get("alert_id")
        if not isinstance(key, str):
            # Same content, same id (CONTRACT.md), so content stands in for a missing id.
            key = tuple(str(raw.get(name)) for name in
                        ("entity_type", "entity_id", "trigger_event_id", "severity"))
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        entity_type, entity_id = raw.get("entity_type"), raw.get("entity_id")
        ts = epoch_or_none(raw.get("trigger_event_time"))
        if not isinstance(entity_type, str) or not isinstance(entity_id, str) or ts is None:
            malformed += 1
            continue
        listing_id, brand_id = raw.get("listing_id"), raw.get("brand_id")
        seller_id, score = raw.get("seller_id"), raw.get("score")
        kept.append(_Alert(entity_type, entity_id,
                           listing_id if isinstance(listing_id, str) else None,
                           brand_id if isinstance(brand_id, str) else None,
                           str(raw.get("severity")), ts,
                           seller_id if isinstance(seller_id, str) else None,
                           float(score) if isinstance(score, int | float) else None))
    return kept, duplicates, malformed


def _first_alert_times(alerts: list[_Alert], entity_type: str) -> dict[str, float]:
    first: dict[str, float] = {}
    for alert in alerts:
        if alert.entity_type != entity_type:
            continue
        targets = {alert.entity_id}
        if entity_type == "listing" and alert.listing_id is not None:
            targets.add(alert.listing_id)
        for target in targets:
            first[target] = min(alert.ts, first.get(target, math.inf))
    return first


def nearest_rank(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``pct``% at or below it.

    >>> nearest_rank([1.0, 2.0, 3.0, 4.0], 50), nearest_rank([1.0, 2.0, 3.0, 4.0], 90)
    (2.0, 4.0)
    """
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _listing_figures(truth_listings: Mapping[str, Mapping[str, Any]],
                     first_alert: Mapping[str, float],
                     first_report: Mapping[str, float]) -> dict[str, Any]:
    infringing = {lid: rec for lid, rec in truth_listings.items() if rec.get("infringing")}
    alerted = [lid for lid in infringing if lid in first_alert]
    proactive = {lid for lid in alerted if first_alert[lid] < first_report.get(lid, math.inf)}
    by_tactic: dict[str, TacticRecall] = {}
    for tactic in sorted({str(rec.get("tactic")) for rec in infringing.values()}):
        ids = [lid for lid, rec in infringing.items() if str(rec.get("tactic")) == tactic]
        by_tactic[tactic] = TacticRecall(
            Share(sum(lid in first_alert for lid in ids), len(ids)),
            Share(sum(lid in proactive for lid in ids), len(ids)))
    delays: list[float] = []
    for lid in alerted:
        created = epoch_or_none(infringing[lid].get("created_time"))
        if created is not None:
            delays.append((first_alert[lid] - created) / 60.0)
    delays.sort()
    flagged_negatives = Counter(str(truth_listings[lid].get("tactic")) for lid in first_alert
                                if lid in truth_listings and lid not in infringing)
    negatives = Counter(str(rec.get("tactic")) for lid, rec in truth_listings.items()
                        if lid not in infringing)
    return {
        "proactive_recall": Share(len(proactive), len(infringing)),
        "listing_recall": Share(len(alerted), len(infringing)),
        "recall_by_tactic": by_tactic,
        "listing_precision": Share(len(alerted), len(first_alert)),
        "false_positives_by_tactic": {t: Share(flagged_negatives[t], n)
                                      for t, n in sorted(negatives.items())},
        "unknown_listings_flagged": sum(lid not in truth_listings for lid in first_alert),
        "detection_delay": DelayFigures(len(delays), nearest_rank(delays, 50),
                                        nearest_rank(delays, 90),
                                        delays[-1] if delays else None),
    }


def _seller_figures(truth_sellers: Mapping[str, Mapping[str, Any]],
                    flagged: Iterable[str]) -> dict[str, Any]:
    flagged_set = set(flagged)
    bad = {sid for sid, rec in truth_sellers.items() if rec.get("bad")}
    kinds = {sid: str(rec.get("kind")) for sid, rec in truth_sellers.items()}

    def by_kind(members: set[str]) -> dict[str, Share]:
        totals = Counter(kinds[sid] for sid in members)
        hits = Counter(kinds[sid] for sid in members & flagged_set)
        return {kind: Share(hits[kind], n) for kind, n in sorted(totals.items())}

    return {
        "seller_precision": Share(len(flagged_set & bad), len(flagged_set)),
        "seller_recall": Share(len(flagged_set & bad), len(bad)),
        "seller_recall_by_kind": by_kind(bad),
        "false_positives_by_seller_kind": by_kind(set(truth_sellers) - bad),
        "unknown_sellers_flagged": len(flagged_set - set(truth_sellers)),
    }


_SEVERITIES = ("critical", "high", "medium", "low")


def _tier_figures(truth: Mapping[str, Any], alerts: list[_Alert]) -> dict[str, Any]:
    """Precision per severity tier and entity type, and who the alerts implicate.

    A listing or seller counts once per severity it was alerted at (an entity
    escalated from low to critical counts in both tiers). A seller is
    *implicated* when any listing or seller alert names it.
    """
    listings = truth.get("listings") or {}
    sellers = truth.get("sellers") or {}
    tiers: dict[str, dict[str, set[str]]] = {"listing": {}, "seller": {}}
    implicated: set[str] = set()
    for alert in alerts:
        if alert.entity_type in tiers:
            tiers[alert.entity_type].setdefault(alert.severity, set()).add(alert.entity_id)
        if alert.entity_type in ("listing", "seller") and alert.seller_id is not None:
            implicated.add(alert.seller_id)

    def precision(kind: str, good: Callable[[str], bool]) -> dict[str, Share]:
        return {sev: Share(sum(good(e) for e in tiers[kind][sev]), len(tiers[kind][sev]))
                for sev in _SEVERITIES if sev in tiers[kind]}

    def bad_seller(sid: str) -> bool:
        return bool((sellers.get(sid) or {}).get("bad"))

    def honest_kinds(ids: Iterable[str]) -> dict[str, int]:
        return dict(sorted(Counter(str(sellers[s].get("kind")) for s in ids
                                   if s in sellers and not bad_seller(s)).items()))

    seller_tiers = tiers["seller"]
    return {
        "listing_precision_by_severity": precision(
            "listing", lambda lid: bool((listings.get(lid) or {}).get("infringing"))),
        "seller_precision_by_severity": precision("seller", bad_seller),
        "implicated_sellers_bad": Share(sum(bad_seller(s) for s in implicated), len(implicated)),
        "honest_sellers_alerted": honest_kinds(set().union(*seller_tiers.values())),
        "honest_sellers_critical": honest_kinds(seller_tiers.get("critical", set())),
        "reliability": _reliability(listings, alerts),
    }


#: score bins of the reliability table; the last is closed at 1
_RELIABILITY_EDGES = (0.0, 0.6, 0.7, 0.85, 0.95, 0.99, 1.0)


def _reliability(listings: Mapping[str, Mapping[str, Any]],
                 alerts: list[_Alert]) -> tuple[ReliabilityBin, ...]:
    """Each alerted listing once, at its highest alert score, binned by that score."""
    best: dict[str, float] = {}
    for a in alerts:
        if a.entity_type == "listing" and a.score is not None:
            best[a.entity_id] = max(a.score, best.get(a.entity_id, 0.0))
    bins = []
    edges = _RELIABILITY_EDGES
    for i, (low, high) in enumerate(itertools.pairwise(edges)):
        last = i == len(edges) - 2
        ids = [lid for lid, s in best.items() if low <= s and (s < high or last)]
        if not ids:
            continue
        hits = sum(bool((listings.get(lid) or {}).get("infringing")) for lid in ids)
        bins.append(ReliabilityBin(low, high, sum(best[lid] for lid in ids) / len(ids),
                                   Share(hits, len(ids))))
    return tuple(bins)


def _incident_figures(incidents: Iterable[Mapping[str, Any]],
                      alerts: list[_Alert]) -> dict[str, Any]:
    brand_alerts = sorted((a for a in alerts if a.entity_type == "brand"), key=lambda a: a.ts)
    figures: list[IncidentFigure] = []
    incident_brands: set[str] = set()
    for incident in incidents:
        brand_id, start_time = str(incident.get("brand_id")), str(incident.get("start_time"))
        incident_brands.add(brand_id)
        start = epoch_or_none(start_time)
        first = next((a for a in brand_alerts if _brand_of(a) == brand_id
                      and start is not None and a.ts >= start), None)
        delay = None if first is None or start is None else (first.ts - start) / 60.0
        figures.append(IncidentFigure(
            brand_id, str(incident.get("kind")), start_time,
            None if first is None else format_rfc3339(first.ts), delay,
            delay is not None and delay * 60.0 <= INCIDENT_DETECTION_WINDOW_S))
    return {
        "incidents": tuple(figures),
        "incidents_detected_within_1h": Share(sum(f.within_1h for f in figures), len(figures)),
        "false_incident_alerts": sum(_brand_of(a) not in incident_brands for a in brand_alerts),
    }


def _brand_of(alert: _Alert) -> str:
    return alert.brand_id if alert.brand_id is not None else alert.entity_id


def evaluate(truth: Mapping[str, Any], alerts: Iterable[Mapping[str, Any]],
             events_summary: EventsSummary,
             model_metrics: Mapping[str, float | int] | None = None) -> Figures:
    """Score ``alert.v1`` dicts against the simulator's ground truth."""
    kept, duplicates, malformed = _normalise_alerts(alerts)
    events = events_summary.events
    return Figures(
        events=events,
        alerts=len(kept),
        duplicate_alerts=duplicates,
        malformed_alerts=malformed,
        alerts_per_1000_events=len(kept) * 1000.0 / events if events else None,
        alerts_by_entity_type=dict(sorted(Counter(a.entity_type for a in kept).items())),
        alerts_by_severity=dict(sorted(Counter(a.severity for a in kept).items())),
        **_listing_figures(truth.get("listings") or {}, _first_alert_times(kept, "listing"),
                           events_summary.first_filed_report),
        **_seller_figures(truth.get("sellers") or {}, _first_alert_times(kept, "seller")),
        **_incident_figures(truth.get("incidents") or [], kept),
        **_tier_figures(truth, kept),
        model_metrics=dict(model_metrics) if model_metrics is not None else None,
    )

