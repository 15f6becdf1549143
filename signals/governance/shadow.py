"""Champion against challenger: what each would decide, and their delayed-label figures.

>>> from signals.contract.events import ListingEvent
>>> ev = ListingEvent("e1", "2026-11-01T00:00:00Z", 0.0, "created", "L1", "S1")
>>> seen = ScoredListing(ev, "B1", True, 0.7, "lr1-10", True, 0.8, 0.4, "sgd-10")
>>> decision(seen, threshold=0.6)
'champion_only'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from signals.governance.calibration import calibration
from signals.governance.observation import ScoredListing
from signals.model.online import RiskModel

__all__ = ["DECISIONS", "decision", "is_risky", "lineage_figures", "shadow_alerts"]

DECISIONS = ("both_risky", "champion_only", "challenger_only", "neither")


def is_risky(scored: ScoredListing, threshold: float) -> bool:
    """The champion judged the listing risky (what makes a listing alert at all)."""
    return scored.listing_level and scored.probability >= threshold


def decision(scored: ScoredListing, threshold: float) -> str:
    """How champion and challenger would judge a listing at the alert threshold."""
    champion = is_risky(scored, threshold)
    challenger = (scored.listing_level and scored.shadow_probability is not None
                  and scored.shadow_probability >= threshold)
    if champion and challenger:
        return "both_risky"
    if champion:
        return "champion_only"
    return "challenger_only" if challenger else "neither"


def lineage_figures(model: RiskModel) -> dict[str, float | None]:
    """Progressive and served ROC AUC, precision, recall and Brier score of one lineage.

    For the champion, ``served`` is what operators saw; for a challenger it is its own
    score just before it learned each label (it serves nobody)."""
    metrics = model.metrics
    served = calibration(metrics.records, "served")["brier"]
    return {"progressive_roc_auc": metrics.roc_auc("learned"),
            "served_roc_auc": metrics.roc_auc("served"),
            "precision": metrics.precision("served"), "recall": metrics.recall("served"),
            "brier": None if served is None else float(served),
            "labels": float(metrics.labels_seen)}


def shadow_alerts(scored: Iterable[ScoredListing], threshold: float,
                  shadow: bool) -> list[dict[str, Any]]:
    """``alert.v1``-shaped records of the first time each listing is judged risky, by the
    challenger (``shadow``) or the champion: what evaluation scores for either model."""
    first: dict[str, dict[str, Any]] = {}
    for item in scored:
        probability = item.shadow_probability if shadow else item.probability
        version = item.shadow_version if shadow else item.version
        if (probability is None or not item.listing_level or probability < threshold
                or item.event.listing_id in first):
            continue
        ev = item.event
        first[ev.listing_id] = {
            "alert_id": f"{'shadow' if shadow else 'champion'}:{ev.listing_id}",
            "entity_type": "listing", "entity_id": ev.listing_id, "listing_id": ev.listing_id,
            "brand_id": item.brand_id, "seller_id": ev.seller_id, "severity": "low",
            "score": probability, "trigger_event_time": ev.event_time,
            "model_version": version}
    return list(first.values())
