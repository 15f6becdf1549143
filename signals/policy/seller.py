"""Seller alerts: several risky listings, upheld reports, bursts, bad networks.

The seller score is a transparent logistic sum of named components, each one
also the reason an operator reads.

>>> from signals.features.listing import SellerSignals
>>> s = SellerSignals(5.0, 8.0, 4, 0.1, 1.0, 0.0, 1.0, 2, 2)
>>> p, parts = seller_score(3, s)
>>> round(p, 2), next(iter(parts))
(1.0, 'RISKY_LISTINGS')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from signals.contract.alert import Alert, Reason, alert_id
from signals.contract.timefmt import format_rfc3339
from signals.features.listing import SellerSignals
from signals.features.lookalikes import rejected_share
from signals.policy.evidence import evidence_class
from signals.policy.severity import severity_for, should_alert

if TYPE_CHECKING:  # the processors import this policy: only types go the other way
    from signals.processors.outputs import Context
    from signals.processors.seller_state import SellerState

__all__ = ["seller_alert", "seller_score", "strong_seller_evidence"]

SELLER_INTERCEPT = -4.5

_MESSAGES = {
    "RISKY_LISTINGS": "{n} of the seller's open listings score as likely infringing.",
    "PRIOR_UPHELD_REPORTS": "Infringement reports against the seller were upheld.",
    "OPEN_INFRINGEMENT_REPORTS": "The seller has infringement reports from reliable reporters.",
    "HIGH_REFUND_DISPUTE_RATE": "The seller's orders are refunded, returned or disputed often.",
    "SHARED_IMAGES_WITH_FLAGGED_SELLERS": "The seller shares images with flagged sellers.",
    "LISTING_BURST": "The seller created many listings in the last hour.",
    "NEW_SELLER_ACCOUNT": "The seller's account is under 30 days old.",
    "MANY_BRANDS": "The seller lists many different brands.",
    "REPORTS_REJECTED": "Reports against the seller were mostly rejected on review.",
}


def seller_score(risky: int, s: SellerSignals) -> tuple[float, dict[str, float]]:
    """Probability the seller is a bad actor, and each component's log-odds."""
    parts = _parts(risky, s)
    return _probability(parts), _strongest_first(parts)


def _parts(risky: int, s: SellerSignals) -> dict[str, float]:
    parts = {
        "RISKY_LISTINGS": 1.5 * min(risky, 5),
        "PRIOR_UPHELD_REPORTS": 2.0 * min(s.upheld_weight, 3.0),
        "OPEN_INFRINGEMENT_REPORTS": 0.5 * min(s.report_weight, 3.0),
        "HIGH_REFUND_DISPUTE_RATE": 6.0 * max(0.0, s.problem_order_rate - 0.12),
        "SHARED_IMAGES_WITH_FLAGGED_SELLERS": 1.5 * min(s.flagged_sellers, 3) / 3.0,
        "LISTING_BURST": 0.5 * math.log1p(max(0.0, s.listings_1h - 2)),
        "NEW_SELLER_ACCOUNT": 0.5 if s.age_known and s.account_age_days < 30 else 0.0,
        "MANY_BRANDS": 0.8 if s.brands_24h >= 4 else 0.0,
        # a rejected report is evidence for the seller (abusive or mistaken reporters)
        "REPORTS_REJECTED": -3.0 * rejected_share(s.rejected_count, s.upheld_count),
    }
    return {k: v for k, v in parts.items() if v != 0}


def strong_seller_evidence(state: SellerState, s: SellerSignals) -> bool:
    """Whether anything beyond price, photos and behaviour convicts the seller: two or
    more upheld reports outweighing rejected ones, shared photos with flagged sellers, or a risky
    listing with evidence of its own (:func:`signals.policy.evidence.evidence_class`).
    Without it a seller alert stops at ``high``: enforcement automates on ``critical``.
    """
    # two decisions at least: one upheld nuisance report must not automate a suspension
    if s.upheld_count >= 2 and rejected_share(s.rejected_count, s.upheld_count) < 0.5:
        return True
    if s.flagged_sellers > 0:
        return True
    listings = state.listings
    for listing_id in state.risky:
        snap = listings.get(listing_id)
        if snap is not None and evidence_class(snap.feature_dict()) in ("listing", "seller"):
            return True
    return False


def _probability(parts: dict[str, float]) -> float:
    logit = min(30.0, SELLER_INTERCEPT + sum(parts.values()))  # clamped: no exp() overflow
    return 1.0 / (1.0 + math.exp(-logit))


def _strongest_first(parts: dict[str, float]) -> dict[str, float]:
    return dict(sorted(parts.items(), key=lambda kv: (-kv[1], kv[0])))


def seller_alert(state: SellerState, trigger: tuple[str, str, float], risky: int,
                 signals: SellerSignals, ctx: Context) -> Alert | None:
    """A seller alert for this trigger (event id, event time, ts), or None."""
    trigger_id, trigger_time, ts = trigger
    parts = _parts(risky, signals)
    score = _probability(parts)  # ordering the parts waits until there is an alert to write
    severity = severity_for(score)
    if score < ctx.policy.seller_threshold or severity is None:
        return None
    if severity == "critical" and not strong_seller_evidence(state, signals):
        severity = "high"
    if not should_alert(state.severity, state.alerted_at, severity, ts,
                        ctx.policy.seller_cooldown):
        return None
    against = [(c, v) for c, v in _strongest_first(parts).items() if v > 0][:5]
    mitigating = [(c, v) for c, v in parts.items() if v < 0]
    reasons = tuple(Reason(code=c, message=_MESSAGES[c].format(n=risky),
                           contribution=round(v, 4)) for c, v in against + mitigating)
    return Alert(
        alert_id=alert_id("seller", state.seller_id, "seller_risk", severity,
                          state.raised.get(severity, 0)),
        entity_type="seller", entity_id=state.seller_id, listing_id=None,
        seller_id=state.seller_id, brand_id=None, score=round(score, 6), severity=severity,
        reasons=reasons, model_version=ctx.model.version, trigger_event_id=trigger_id,
        trigger_event_time=trigger_time, created_at=format_rfc3339(ctx.now),
    )
