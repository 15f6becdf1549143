"""Listing alerts: a scored listing above the threshold, once per severity level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from signals.alert import Alert, alert_id
from signals.events import ListingEvent
from signals.features.listing import Evidence
from signals.model.online import ModelScore
from signals.policy.reasons import listing_reasons
from signals.policy.severity import severity_for, should_alert
from signals.timefmt import format_rfc3339

if TYPE_CHECKING:  # the processors import this policy: only types go the other way
    from signals.processors.outputs import Context
    from signals.processors.seller_state import ListingSnapshot

__all__ = ["listing_alert"]


def listing_alert(snap: ListingSnapshot, ev: ListingEvent, scored: ModelScore,
                  evidence: Evidence, ctx: Context) -> Alert | None:
    """An alert for this scoring of the listing, or None (below threshold or cooling down)."""
    if scored.probability < ctx.policy.listing_threshold or not evidence.listing_level:
        return None  # seller history alone raises the seller's alert, not this listing's
    severity = severity_for(scored.probability)
    if severity is None or not should_alert(snap.severity, snap.alerted_at, severity, ev.ts,
                                            ctx.policy.listing_cooldown):
        return None
    brand = ctx.registry.brand(evidence.brand_id) if evidence.brand_id else None
    brand_name = brand.name if brand else "the brand"
    # Only features the listing has: a learned weight times a value below the mean is a
    # contribution too, but "uses counterfeit vocabulary" must not be said of a clean title.
    present = {k: v for k, v in scored.contributions.items() if snap.features.get(k)}
    reasons = listing_reasons(present, evidence, brand_name)
    if not reasons:
        return None  # a score with nothing to say is not actionable
    return Alert(
        alert_id=alert_id("listing", ev.listing_id, "listing_risk", ev.event_id, severity),
        entity_type="listing", entity_id=ev.listing_id, listing_id=ev.listing_id,
        seller_id=ev.seller_id, brand_id=evidence.brand_id,
        score=round(scored.probability, 6), severity=severity, reasons=reasons,
        model_version=ctx.model.version, trigger_event_id=ev.event_id,
        trigger_event_time=ev.event_time, created_at=format_rfc3339(ctx.now),
    )
