"""Brand incident alerts: a surge for one brand against its own baseline.

A flood of risky sellers, of reports, or of unauthorised sellers in the last
hour, compared with the brand's usual hourly rate, is the "high-impact brand
incident" an operations team escalates.

>>> surge_score(observed=12, baseline=0.5, minimum=5, factor=4.0) > 0.9
True
>>> surge_score(observed=3, baseline=0.5, minimum=5, factor=4.0)
0.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from signals.aggregates.brand import BrandAggregates
from signals.contract.alert import Alert, Reason, alert_id
from signals.policy.config import PolicyConfig
from signals.policy.severity import severity_for

__all__ = ["brand_incident", "surge_score"]

#: (aggregate name, reason code, sentence, minimum attribute of PolicyConfig)
_SIGNALS = (
    ("risky_sellers", "BRAND_RISKY_SELLER_SURGE",
     "{obs:.0f} sellers with likely-infringing listings of this brand in the last hour "
     "(usual: {base:.1f}/h).", "incident_min_sellers"),
    ("reports_filed", "BRAND_REPORT_SURGE",
     "{obs:.0f} infringement reports on this brand in the last hour (usual: {base:.1f}/h).",
     "incident_min_reports"),
    ("new_risky_sellers", "BRAND_NEW_RISKY_SELLER_SURGE",
     "{obs:.0f} sellers new to this brand listed likely-infringing items in the last hour "
     "(usual: {base:.1f}/h): a counterfeit flood opens many fresh shops at once.",
     "incident_min_new_sellers"),
    ("unauthorized_sellers", "BRAND_UNAUTHORIZED_SELLER_SURGE",
     "{obs:.0f} unauthorized sellers listed this brand in the last hour (usual: {base:.1f}/h).",
     "incident_min_reports"),
)


def surge_score(observed: float, baseline: float, minimum: float, factor: float) -> float:
    """0 below the minimum or within ``factor`` x baseline; rising toward 1 beyond."""
    expected = max(float(minimum), factor * baseline + 1.0)
    if observed < expected:
        return 0.0
    return 1.0 - math.exp(-(observed + 1.0) / (expected + 1.0) * 1.5)


def brand_incident(agg: BrandAggregates, at: float, policy: PolicyConfig,
                   trigger: tuple[str, str],
                   raised: Mapping[str, int]) -> tuple[Alert, float] | None:
    """An incident alert (without ``created_at`` set by the caller's clock) or None.

    ``raised`` counts the brand's earlier incident alerts per severity."""
    reasons: list[tuple[float, Reason]] = []
    for name, code, sentence, min_attr in _SIGNALS:
        minimum = float(getattr(policy, min_attr))
        if agg.last_hour_at_most(name, at) < minimum:
            continue  # cheap exit: the distinct count is at most that, too
        observed = agg.last_hour(name, at)
        if observed < minimum:
            continue  # cheap exit: the baseline is only computed for a possible surge
        baseline = agg.hourly_baseline(name, at)
        score = surge_score(observed, baseline, minimum, policy.incident_baseline_factor)
        if score > 0:
            reasons.append((score, Reason(code=code, message=sentence.format(
                obs=observed, base=baseline), value=observed, contribution=round(score, 4))))
    if not reasons:
        return None
    reasons.sort(key=lambda r: (-r[0], r[1].code))
    top = reasons[0][0]
    score = 1.0 - math.prod(1.0 - s for s, _ in reasons)
    severity = severity_for(max(top, score)) or "low"
    event_id, event_time = trigger
    alert = Alert(
        alert_id=alert_id("brand", agg.brand_id, "brand_incident", severity,
                          raised.get(severity, 0)),
        entity_type="brand", entity_id=agg.brand_id, listing_id=None, seller_id=None,
        brand_id=agg.brand_id, score=round(score, 6), severity=severity,
        reasons=tuple(r for _, r in reasons), model_version="rules-1",
        trigger_event_id=event_id, trigger_event_time=event_time, created_at="",
    )
    return alert, score
