"""Listing alerts: a scored listing above the threshold, once per severity level."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from signals.contract.alert import Alert, Severity, alert_id
from signals.contract.events import ListingEvent
from signals.contract.timefmt import format_rfc3339
from signals.features.listing import Evidence
from signals.features.vector import value
from signals.model.score import ModelScore
from signals.policy.evidence import evidence_class, tiered
from signals.policy.reasons import listing_reasons
from signals.policy.severity import should_alert

if TYPE_CHECKING:  # the processors import this policy: only types go the other way
    from signals.processors.outputs import Context
    from signals.processors.seller_state import ListingSnapshot

__all__ = ["listing_alert", "listing_severity", "with_rule_floor"]


def with_rule_floor(scored: ModelScore, evidence: Evidence, floor: float) -> ModelScore:
    """The score, raised to the rule prior's when the prior alone is at least ``floor``.

    The learned model trains on reported listings only and extrapolates
    linearly: a seller with many rejected reports can drag "replica" plus a
    look-alike name at 80 % off below the alert threshold. Overwhelming
    listing-level evidence in the transparent rules is not talked down.

    >>> from signals.features.listing import Evidence
    >>> ev = Evidence("b", None, None, None, ("replica",), (), (), None)
    >>> s = ModelScore(probability=0.5, prior=0.99, learned=0.3, trust=0.8)
    >>> with_rule_floor(s, ev, 0.95).probability, with_rule_floor(s, ev, 0.999).probability
    (0.99, 0.5)
    """
    if scored.prior >= floor and scored.prior > scored.probability and evidence.listing_level:
        return scored.with_probability(scored.prior)
    return scored


def listing_severity(probability: float, evidence: Evidence, x: Mapping[str, float],
                     threshold: float) -> Severity | None:
    """The severity this scoring of a listing warrants, or None: no alert, and the
    listing is not one of the seller's risky listings.

    Seller history alone never flags a listing (``evidence.listing_level``); and
    the tier is capped by the kind of evidence (:mod:`signals.policy.evidence`).

    >>> from signals.features.listing import Evidence
    >>> ev = Evidence("b", 100.0, 0.7, None, (), (), (), False)
    >>> listing_severity(0.97, ev, {"price_discount": 0.3}, 0.6)
    'low'
    >>> listing_severity(0.97, ev, {"official_image_edited": 1.0}, 0.6)
    'high'
    >>> listing_severity(0.97, ev, {"counterfeit_vocab": 1.0}, 0.6)
    'critical'
    """
    if probability < threshold or not evidence.listing_level:
        return None  # seller history alone raises the seller's alert, not this listing's
    return tiered(probability, evidence_class(x))


def listing_alert(snap: ListingSnapshot, ev: ListingEvent, scored: ModelScore,
                  evidence: Evidence, ctx: Context, severity: Severity) -> Alert | None:
    """An alert at ``severity`` (:func:`listing_severity`) for this scoring of the listing,
    or None (cooling down, or nothing to say)."""
    if not should_alert(snap.severity, snap.alerted_at, severity, ev.ts,
                        ctx.policy.listing_cooldown):
        return None
    brand = ctx.registry.brand(evidence.brand_id) if evidence.brand_id else None
    brand_name = brand.name if brand else "the brand"
    # Only features the listing has: a learned weight times a value below the mean is a
    # contribution too, but "uses counterfeit vocabulary" must not be said of a clean title.
    present = {k: v for k, v in scored.contributions.items() if value(snap.features, k)}
    reasons = listing_reasons(present, evidence, brand_name)
    if not reasons:
        return None  # a score with nothing to say is not actionable
    return Alert(
        alert_id=alert_id("listing", ev.listing_id, "listing_risk", severity,
                          snap.raised.get(severity, 0)),
        entity_type="listing", entity_id=ev.listing_id, listing_id=ev.listing_id,
        seller_id=ev.seller_id, brand_id=evidence.brand_id,
        score=round(scored.probability, 6), severity=severity, reasons=reasons,
        model_version=ctx.model.version, trigger_event_id=ev.event_id,
        trigger_event_time=ev.event_time, created_at=format_rfc3339(ctx.now),
    )
